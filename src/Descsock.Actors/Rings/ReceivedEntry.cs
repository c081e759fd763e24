namespace Descsock.Rings;

/// <summary>
/// Packs one harvested receive descriptor into the 64-bit entry the worker hands to readers:
/// <code>
/// bits 0..31 receive-pool buffer index | 32..55 length | 56 NEXT (chain continues) | 57 BAD
/// </code>
/// </summary>
internal static class ReceivedEntry
{
    private const ulong NextBit = 1UL << 56;
    private const ulong BadBit = 1UL << 57;

    public static ulong Pack(int buffer, uint length, bool next, bool bad) =>
        (uint)buffer | ((ulong)(length & 0xFFFFFF) << 32) | (next ? NextBit : 0) | (bad ? BadBit : 0);

    public static int Buffer(ulong entry) => (int)(uint)entry;
    public static int Length(ulong entry) => (int)((entry >> 32) & 0xFFFFFF);
    public static bool Next(ulong entry) => (entry & NextBit) != 0;
    public static bool Bad(ulong entry) => (entry & BadBit) != 0;
}
