using System.Runtime.InteropServices;
namespace Descsock.Wire;

/// <summary>
/// In-memory view of one descriptor (<see cref="DescriptorLayout"/>). On the data path a
/// descriptor the peer wrote is copied out once into a local of this type and only the copy
/// is validated and used (security rule 8).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1, Size = 16)]
public struct RingDescriptor
{
    public ushort Flags;
    public ushort Region;
    public uint Length;
    public uint Offset;
    public uint Metadata;
}
