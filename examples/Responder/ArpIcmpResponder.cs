using System.Buffers.Binary;
using System.Net;
namespace Descsock.Examples.Responder;

/// <summary>
/// Answers ARP requests for one IPv4 address and ICMP echo requests sent to it, frame by frame:
/// the smallest useful host. Frames in and out are descsock frames (Ethernet frame followed by 4
/// CRC bytes). Everything else (IPv6, other protocols, fragments) is ignored and counted.
/// Allocation-free per frame; not thread-safe (one receive loop).
/// </summary>
public sealed class ArpIcmpResponder
{
    private const int Crc = 4;
    private const int EthHeader = 14;
    private const ushort EtherTypeIPv4 = 0x0800, EtherTypeArp = 0x0806;
    private readonly byte[] _mac;
    private readonly byte[] _ip;

    /// <summary>A responder for <paramref name="ip"/> with hardware address <paramref name="mac"/>.</summary>
    public ArpIcmpResponder(IPAddress ip, ReadOnlySpan<byte> mac)
    {
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) throw new ArgumentException("IPv4 only", nameof(ip));
        if (mac.Length != 6 || (mac[0] & 1) != 0) throw new ArgumentException("a unicast 6-byte MAC is required", nameof(mac));
        _ip = ip.GetAddressBytes();
        _mac = mac.ToArray();
    }

    /// <summary>ARP replies sent.</summary>
    public long ArpReplies { get; private set; }
    /// <summary>ICMP echo replies sent.</summary>
    public long EchoReplies { get; private set; }
    /// <summary>Frames that needed no answer.</summary>
    public long Ignored { get; private set; }

    /// <summary>
    /// Builds the answer to <paramref name="frame"/> in <paramref name="reply"/> (which must be
    /// at least as long as the frame, and 64 bytes); returns its length with CRC, or 0 if none is due.
    /// </summary>
    public int Answer(ReadOnlySpan<byte> frame, Span<byte> reply)
    {
        int length = frame.Length - Crc;
        int answer = length < EthHeader ? 0 : BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) switch
        {
            EtherTypeArp => AnswerArp(frame[..length], reply),
            EtherTypeIPv4 => AnswerEcho(frame[..length], reply),
            _ => 0,
        };
        if (answer == 0) { Ignored++; return 0; }
        answer = Math.Max(answer, 60); // Ethernet minimum; the padding is already zero
        reply.Slice(answer, Crc).Clear(); // the library strips the CRC bytes; their value does not matter
        return answer + Crc;
    }

    private int AnswerArp(ReadOnlySpan<byte> f, Span<byte> r)
    {
        // htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4, operation 1 (request), for our address.
        if (f.Length < EthHeader + 28) return 0;
        var arp = f[EthHeader..];
        if (BinaryPrimitives.ReadUInt16BigEndian(arp) != 1 || BinaryPrimitives.ReadUInt16BigEndian(arp[2..]) != EtherTypeIPv4
            || arp[4] != 6 || arp[5] != 4 || BinaryPrimitives.ReadUInt16BigEndian(arp[6..]) != 1 || !arp.Slice(24, 4).SequenceEqual(_ip))
            return 0;
        r[..60].Clear();
        arp.Slice(8, 6).CopyTo(r);          // to the requester
        _mac.CopyTo(r[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(r[12..], EtherTypeArp);
        var a = r[EthHeader..];
        arp[..6].CopyTo(a);                 // htype, ptype, hlen, plen
        BinaryPrimitives.WriteUInt16BigEndian(a[6..], 2); // reply
        _mac.CopyTo(a[8..]);                // sender: us
        _ip.CopyTo(a[14..]);
        arp.Slice(8, 10).CopyTo(a[18..]);   // target: the requester's MAC and IP
        ArpReplies++;
        return EthHeader + 28;
    }

    private int AnswerEcho(ReadOnlySpan<byte> f, Span<byte> r)
    {
        if (f.Length < EthHeader + 20 || !f[..6].SequenceEqual(_mac)) return 0;
        var ip = f[EthHeader..];
        int headerLength = (ip[0] & 0x0f) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3fff) != 0;
        if (ip[0] >> 4 != 4 || headerLength < 20 || total < headerLength + 8 || total > ip.Length || fragment
            || ip[9] != 1 || !ip.Slice(16, 4).SequenceEqual(_ip) || ip[headerLength] != 8 || ip[headerLength + 1] != 0)
            return 0;
        int length = EthHeader + total;
        if (length < 60) r[..60].Clear();
        f[..length].CopyTo(r);
        f.Slice(6, 6).CopyTo(r);            // back to the sender
        _mac.CopyTo(r[6..]);
        var o = r[EthHeader..];
        ip.Slice(12, 4).CopyTo(o[16..]);    // swap addresses
        _ip.CopyTo(o[12..]);
        o[8] = 64;                          // fresh TTL
        WriteChecksum(o[..headerLength], 10);
        o[headerLength] = 0;                // echo reply
        WriteChecksum(o[headerLength..total], 2);
        EchoReplies++;
        return length;
    }

    /// <summary>Internet checksum (RFC 1071) of <paramref name="data"/>, stored at <paramref name="at"/>.</summary>
    private static void WriteChecksum(Span<byte> data, int at)
    {
        data[at] = data[at + 1] = 0;
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) != 0) sum += (uint)data[^1] << 8;
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(data[at..], (ushort)~sum);
    }
}
