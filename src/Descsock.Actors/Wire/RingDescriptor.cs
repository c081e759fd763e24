using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// Writes a whole descriptor (region 0, no metadata) with one 16-byte store. The line it lands
    /// on is usually in the peer's cache, so the store waits for the line; x86 commits stores in
    /// order, and five field stores per descriptor filled the store buffer behind those misses
    /// where one does not.
    /// </summary>
    public static void Write(ref RingDescriptor d, ushort flags, uint length, uint offset) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<RingDescriptor, byte>(ref d), Vector128.Create(flags | ((ulong)length << 32), offset));
}
