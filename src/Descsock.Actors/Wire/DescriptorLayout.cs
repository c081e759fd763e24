namespace Descsock.Wire;

/// <summary>
/// The 16-byte ring descriptor (<c>memif_desc_t</c>, packed):
/// <code>
/// 0 flags u16 (bit 0 NEXT: the frame continues in the next slot) | 2 region u16
/// 4 length u32 (bytes; on M2S posts: the buffer's capacity)      | 8 offset u32 (in the region)
/// 12 metadata u32 (unused, 0)
/// </code>
/// </summary>
public static class DescriptorLayout
{
    public const int Size = 16;
    public const int FlagsOffset = 0;
    public const int RegionOffset = 2;
    public const int LengthOffset = 4;
    public const int OffsetOffset = 8;
    public const int MetadataOffset = 12;
    public const ushort FlagNext = 1;
}
