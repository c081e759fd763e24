using System.Buffers.Binary;
namespace Descsock.Host.Ping;

/// <summary>
/// Self-checking test frames: each carries its sequence number, its length and a checksum of
/// its payload, so a receiver can prove a frame arrived intact, whole and in order.
/// <code>
/// 0  dst MAC 02:00:00:00:00:02 | 6 src MAC 02:00:00:00:00:01 | 12 ethertype 0x88B5 (local experimental)
/// 14 sequence (u64 LE) | 22 wire length (u32 LE) | 26 checksum (u32 LE, FNV-1a of bytes 30..end)
/// 30 pseudo-random filler derived from the sequence | then 4 CRC bytes (zero)
/// </code>
/// </summary>
public static class FramePattern
{
    /// <summary>Smallest frame this pattern makes, CRC included.</summary>
    public const int MinFrame = 64 + 4;
    private const int SequenceOffset = 14, LengthOffset = 22, ChecksumOffset = 26, FillerOffset = 30;

    /// <summary>Writes frame <paramref name="sequence"/> of <paramref name="frameLength"/> bytes (CRC included) into <paramref name="frame"/>.</summary>
    public static void Write(Span<byte> frame, ulong sequence, int frameLength)
    {
        var f = frame[..frameLength];
        ReadOnlySpan<byte> macs = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xB5];
        macs.CopyTo(f);
        int wire = frameLength - 4;
        BinaryPrimitives.WriteUInt64LittleEndian(f[SequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(f[LengthOffset..], (uint)wire);
        ulong x = sequence * 0x9E3779B97F4A7C15UL | 1;
        for (int i = FillerOffset; i < wire; i++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            f[i] = (byte)x;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(f[ChecksumOffset..], Checksum(f[FillerOffset..wire]));
        f.Slice(wire, 4).Clear();
    }

    /// <summary>Checks a received frame (CRC included); returns null when intact, else what is wrong.</summary>
    public static string? Verify(ReadOnlySpan<byte> frame, out ulong sequence)
    {
        sequence = 0;
        if (frame.Length < MinFrame) return $"frame of {frame.Length} bytes is too short";
        int wire = frame.Length - 4;
        sequence = BinaryPrimitives.ReadUInt64LittleEndian(frame[SequenceOffset..]);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(frame[LengthOffset..]);
        if (length != wire) return $"frame {sequence}: length {wire}, expected {length}";
        uint sum = BinaryPrimitives.ReadUInt32LittleEndian(frame[ChecksumOffset..]);
        if (sum != Checksum(frame[FillerOffset..wire])) return $"frame {sequence}: payload checksum mismatch";
        if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x88B5) return $"frame {sequence}: ethertype changed";
        return null;
    }

    /// <summary>FNV-1a over <paramref name="data"/>.</summary>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint h = 2166136261;
        foreach (byte b in data) h = (h ^ b) * 16777619;
        return h;
    }
}
