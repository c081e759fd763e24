using System.Buffers.Binary;
namespace Descsock.Host.Capture;

/// <summary>
/// Writes the classic libpcap format (what tcpdump -w writes and tshark -r reads): a 24-byte
/// global header (microsecond timestamps, link type Ethernet), then per frame a 16-byte record
/// header and the frame. Frames are written without the 4 CRC bytes descsock frames carry, as
/// Linux captures them. Not thread-safe.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    private const uint Magic = 0xa1b2c3d4;
    private const int LinkTypeEthernet = 1;
    private readonly Stream _out;
    private readonly byte[] _record = new byte[16];

    /// <summary>Starts a capture file on <paramref name="output"/>, which it then owns.</summary>
    public PcapWriter(Stream output, int snapLength = 65535)
    {
        _out = output;
        SnapLength = snapLength;
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);  // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0);   // GMT offset
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0); // timestamp accuracy
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], snapLength);
        BinaryPrimitives.WriteInt32LittleEndian(h[20..], LinkTypeEthernet);
        _out.Write(h);
    }

    /// <summary>The longest frame stored whole; longer ones are cut (their original length is kept).</summary>
    public int SnapLength { get; }

    /// <summary>Frames written.</summary>
    public long Frames { get; private set; }

    /// <summary>Writes one Ethernet frame (without CRC) captured at <paramref name="when"/>.</summary>
    public void Write(ReadOnlySpan<byte> frame, DateTimeOffset when)
    {
        long micros = when.ToUnixTimeMilliseconds() * 1000 + when.Ticks / 10 % 1000;
        int stored = Math.Min(frame.Length, SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(_record, (uint)(micros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(_record.AsSpan(4), (uint)(micros % 1_000_000));
        BinaryPrimitives.WriteInt32LittleEndian(_record.AsSpan(8), stored);
        BinaryPrimitives.WriteInt32LittleEndian(_record.AsSpan(12), frame.Length);
        _out.Write(_record);
        _out.Write(frame[..stored]);
        Frames++;
    }

    /// <summary>Flushes what was written (so a reader sees every frame so far).</summary>
    public void Flush() => _out.Flush();

    /// <inheritdoc />
    public void Dispose() => _out.Dispose();
}
