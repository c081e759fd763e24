using System.Buffers.Binary;
namespace Descsock.Agent;

/// <summary>
/// The frame a <see cref="ServiceMode.Source"/> service sends, built once and pinned so the
/// forwarding plane transmits it with no per-frame work but the copy into the tenant's buffer.
/// The shape is testpmd <c>txonly</c>'s: Ethernet to 02:00:00:00:00:00, IPv4 198.18.0.1 →
/// 198.18.0.2 (the benchmarking range, RFC 2544), UDP port 9 (discard) to 9, zero payload.
/// </summary>
public sealed unsafe class SourceFrame
{
    /// <summary>The smallest frame generated: an Ethernet frame without CRC.</summary>
    public const int MinSize = 60;

    private const int EthernetHeader = 14, IpHeader = 20, UdpHeader = 8;
    private readonly byte[] _bytes;
    private readonly Segment[] _segment;

    /// <summary>Builds a frame of <paramref name="size"/> bytes (without CRC).</summary>
    public SourceFrame(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinSize);
        _bytes = GC.AllocateArray<byte>(size, pinned: true);
        Span<byte> f = _bytes;
        f[0] = 0x02; // destination 02:00:00:00:00:00, source 02:00:00:00:00:01 (locally administered)
        f[6] = 0x02; f[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f.Slice(EthernetHeader, IpHeader);
        ip[0] = 0x45; // IPv4, 5-word header
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(size - EthernetHeader));
        ip[8] = 64; // TTL
        ip[9] = 17; // UDP
        ip[12] = 198; ip[13] = 18; ip[14] = 0; ip[15] = 1;
        ip[16] = 198; ip[17] = 18; ip[18] = 0; ip[19] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip));
        var udp = f.Slice(EthernetHeader + IpHeader, UdpHeader);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 9);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 9);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(size - EthernetHeader - IpHeader));
        fixed (byte* p = _bytes) _segment = [new Segment(p, size)]; // pinned: the address stays valid
    }

    /// <summary>Bytes per frame, without CRC.</summary>
    public int Length => _bytes.Length;

    /// <summary>The frame as the one segment <see cref="AgentPort.Transmit"/> takes.</summary>
    public ReadOnlySpan<Segment> Segments => _segment;

    /// <summary>The frame's bytes (for tests).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    private static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i < header.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
