namespace Descsock.Client;

/// <summary>
/// Frames carried in one actor message: one contiguous buffer and their extents, so an
/// actor-based user pays one message and one allocation per batch, never per frame. Each frame
/// includes its 4 CRC bytes, as the plain API's.
/// </summary>
public sealed class FrameBatch
{
    private readonly byte[] _data;
    private readonly int[] _offsets;
    private readonly int[] _lengths;

    /// <summary>Wraps frames already laid out in <paramref name="data"/>.</summary>
    public FrameBatch(byte[] data, int[] offsets, int[] lengths, int count)
    {
        _data = data;
        _offsets = offsets;
        _lengths = lengths;
        Count = count;
    }

    /// <summary>Number of frames.</summary>
    public int Count { get; }

    /// <summary>Frame <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> this[int index] =>
        (uint)index < (uint)Count ? _data.AsMemory(_offsets[index], _lengths[index]) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Builds a batch from separate frames (a convenience for senders).</summary>
    public static FrameBatch From(IReadOnlyList<ReadOnlyMemory<byte>> frames)
    {
        int total = 0;
        foreach (var f in frames) total += f.Length;
        var data = new byte[total];
        var offsets = new int[frames.Count];
        var lengths = new int[frames.Count];
        for (int i = 0, pos = 0; i < frames.Count; i++)
        {
            frames[i].Span.CopyTo(data.AsSpan(pos));
            offsets[i] = pos;
            lengths[i] = frames[i].Length;
            pos += lengths[i];
        }
        return new FrameBatch(data, offsets, lengths, frames.Count);
    }
}
