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
        Unsafe.WriteUnaligned(ref Unsafe.As<RingDescriptor, byte>(ref d), Make(flags, length, offset));

    /// <summary>
    /// As <see cref="Write"/>, but stores nothing when the descriptor already holds exactly that.
    /// A transmit slot always names the same buffer, so a lap of same-sized frames would rewrite
    /// the same bytes: the read finds the line still shared with the peer, which read it last,
    /// where a store must first take the line away from the peer's cache (a cross-core round
    /// trip per 4 descriptors, the 64-byte one-way path's main cost).
    /// </summary>
    public static void WriteIfChanged(ref RingDescriptor d, ushort flags, uint length, uint offset)
    {
        ref byte at = ref Unsafe.As<RingDescriptor, byte>(ref d);
        var value = Make(flags, length, offset);
        if (Unsafe.ReadUnaligned<Vector128<ulong>>(ref at) != value) Unsafe.WriteUnaligned(ref at, value);
    }

    private static Vector128<ulong> Make(ushort flags, uint length, uint offset) => Vector128.Create(flags | ((ulong)length << 32), offset);
}
