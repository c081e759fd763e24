namespace Descsock.Wire;

/// <summary>
/// The memif ring header (<c>memif_ring_t</c>) as DPDK and VPP lay it out with 64-byte cache
/// lines (x86-64; some arm64 DPDK builds use 128 and are not supported):
/// <code>
///   0 cookie u32 (0x03E31F20)  |  4 flags u16 (bit 0 MASK_INT, by the consumer)  |  6 head u16 (client)
///   8..63 padding  | 64 tail u16 (server) | 66..127 padding | 128 descriptors: 16 bytes × 2^log2
/// </code>
/// </summary>
public static class RingLayout
{
    public const uint Cookie = 0x03E31F20u;
    public const int CookieOffset = 0;
    public const int FlagsOffset = 4;
    public const int HeadOffset = 6;
    public const int TailOffset = 64;
    public const int HeaderSize = 128;
    /// <summary>Flag bit 0: "I poll; do not signal my eventfd".</summary>
    public const ushort FlagMaskInterrupt = 1;
    public const int MinLog2Size = 1;
    public const int MaxLog2Size = 14;

    /// <summary>Bytes of a ring with 2^<paramref name="log2Size"/> descriptors, header included.</summary>
    public static long RingBytes(int log2Size) => HeaderSize + DescriptorLayout.Size * (1L << log2Size);
}
