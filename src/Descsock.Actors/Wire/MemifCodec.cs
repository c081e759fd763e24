using System.Buffers.Binary;
using System.Text;
using L = Descsock.Wire.MemifMessageLayout;
namespace Descsock.Wire;

/// <summary>
/// Encodes and decodes the eight memif control messages at the offsets of
/// <see cref="MemifMessageLayout"/>. Writers clear all 128 bytes first. Readers accept only
/// exactly 128 bytes of the right type and never throw: every byte is untrusted, and string
/// fields may lack their NUL (non-printable bytes read as '?').
/// </summary>
public static class MemifCodec
{
    /// <summary>The type field of <paramref name="message"/> (None when shorter than 2 bytes).</summary>
    public static MemifMessageType PeekType(ReadOnlySpan<byte> message) =>
        message.Length < 2 ? MemifMessageType.None : (MemifMessageType)BinaryPrimitives.ReadUInt16LittleEndian(message);

    /// <summary>Writes an ACK.</summary>
    public static void WriteAck(Span<byte> d) => Begin(d, MemifMessageType.Ack);

    /// <summary>Writes a HELLO.</summary>
    public static void Write(in HelloMessage m, Span<byte> d)
    {
        Begin(d, MemifMessageType.Hello);
        WriteString(d.Slice(L.HelloName, L.NameSize), m.Name);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.HelloMinVersion..], m.MinVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.HelloMaxVersion..], m.MaxVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.HelloMaxRegion..], m.MaxRegion);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.HelloMaxM2SRing..], m.MaxM2SRing);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.HelloMaxS2MRing..], m.MaxS2MRing);
        d[L.HelloMaxLog2RingSize] = m.MaxLog2RingSize;
    }

    /// <summary>Writes an INIT.</summary>
    public static void Write(in InitMessage m, Span<byte> d)
    {
        Begin(d, MemifMessageType.Init);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.InitVersion..], m.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(d[L.InitId..], m.Id);
        d[L.InitMode] = m.Mode;
        m.Secret.Bytes.CopyTo(d.Slice(L.InitSecret, L.SecretSize));
        WriteString(d.Slice(L.InitName, L.NameSize), m.Name);
    }

    /// <summary>Writes an ADD_REGION.</summary>
    public static void Write(in AddRegionMessage m, Span<byte> d)
    {
        Begin(d, MemifMessageType.AddRegion);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.AddRegionIndex..], m.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(d[L.AddRegionSize..], m.Size);
    }

    /// <summary>Writes an ADD_RING.</summary>
    public static void Write(in AddRingMessage m, Span<byte> d)
    {
        Begin(d, MemifMessageType.AddRing);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.AddRingFlags..], m.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.AddRingIndex..], m.Index);
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.AddRingRegion..], m.Region);
        BinaryPrimitives.WriteUInt32LittleEndian(d[L.AddRingOffset..], m.Offset);
        d[L.AddRingLog2RingSize] = m.Log2RingSize;
        BinaryPrimitives.WriteUInt16LittleEndian(d[L.AddRingPrivateHeaderSize..], m.PrivateHeaderSize);
    }

    /// <summary>Writes a CONNECT.</summary>
    public static void Write(in ConnectMessage m, Span<byte> d)
    {
        Begin(d, MemifMessageType.Connect);
        WriteString(d.Slice(L.ConnectName, L.NameSize), m.InterfaceName);
    }

    /// <summary>Writes a CONNECTED.</summary>
    public static void Write(in ConnectedMessage m, Span<byte> d)
    {
        Begin(d, MemifMessageType.Connected);
        WriteString(d.Slice(L.ConnectName, L.NameSize), m.InterfaceName);
    }

    /// <summary>Writes a DISCONNECT.</summary>
    public static void Write(in DisconnectMessage m, Span<byte> d)
    {
        Begin(d, MemifMessageType.Disconnect);
        BinaryPrimitives.WriteUInt32LittleEndian(d[L.DisconnectCode..], m.Code);
        WriteString(d.Slice(L.DisconnectReason, L.ReasonSize), m.Reason);
    }

    /// <summary>Reads a HELLO.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out HelloMessage m)
    {
        m = default;
        if (!Is(s, MemifMessageType.Hello)) return false;
        m = new HelloMessage(ReadString(s.Slice(L.HelloName, L.NameSize)),
            U16(s, L.HelloMinVersion), U16(s, L.HelloMaxVersion), U16(s, L.HelloMaxRegion),
            U16(s, L.HelloMaxM2SRing), U16(s, L.HelloMaxS2MRing), s[L.HelloMaxLog2RingSize]);
        return true;
    }

    /// <summary>Reads an INIT.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out InitMessage m)
    {
        m = default;
        if (!Is(s, MemifMessageType.Init)) return false;
        m = new InitMessage(U16(s, L.InitVersion), BinaryPrimitives.ReadUInt32LittleEndian(s[L.InitId..]), s[L.InitMode],
            MemifSecret.FromWire(s.Slice(L.InitSecret, L.SecretSize)), ReadString(s.Slice(L.InitName, L.NameSize)));
        return true;
    }

    /// <summary>Reads an ADD_REGION.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out AddRegionMessage m)
    {
        m = default;
        if (!Is(s, MemifMessageType.AddRegion)) return false;
        m = new AddRegionMessage(U16(s, L.AddRegionIndex), BinaryPrimitives.ReadUInt64LittleEndian(s[L.AddRegionSize..]));
        return true;
    }

    /// <summary>Reads an ADD_RING.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out AddRingMessage m)
    {
        m = default;
        if (!Is(s, MemifMessageType.AddRing)) return false;
        m = new AddRingMessage(U16(s, L.AddRingFlags), U16(s, L.AddRingIndex), U16(s, L.AddRingRegion),
            BinaryPrimitives.ReadUInt32LittleEndian(s[L.AddRingOffset..]), s[L.AddRingLog2RingSize], U16(s, L.AddRingPrivateHeaderSize));
        return true;
    }

    /// <summary>Reads a CONNECT.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out ConnectMessage m)
    {
        m = default;
        if (!Is(s, MemifMessageType.Connect)) return false;
        m = new ConnectMessage(ReadString(s.Slice(L.ConnectName, L.NameSize)));
        return true;
    }

    /// <summary>Reads a CONNECTED.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out ConnectedMessage m)
    {
        m = default;
        if (!Is(s, MemifMessageType.Connected)) return false;
        m = new ConnectedMessage(ReadString(s.Slice(L.ConnectName, L.NameSize)));
        return true;
    }

    /// <summary>Reads a DISCONNECT.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out DisconnectMessage m)
    {
        m = default;
        if (!Is(s, MemifMessageType.Disconnect)) return false;
        m = new DisconnectMessage(BinaryPrimitives.ReadUInt32LittleEndian(s[L.DisconnectCode..]), ReadString(s.Slice(L.DisconnectReason, L.ReasonSize)));
        return true;
    }

    private static void Begin(Span<byte> d, MemifMessageType type)
    {
        d[..L.Size].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)type);
    }

    private static bool Is(ReadOnlySpan<byte> s, MemifMessageType type) => s.Length == L.Size && PeekType(s) == type;

    private static ushort U16(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(s[offset..]);

    /// <summary>ASCII, truncated to leave room for the terminating NUL; other characters become '?'.</summary>
    private static void WriteString(Span<byte> field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        int n = Math.Min(value.Length, field.Length - 1);
        for (int i = 0; i < n; i++) field[i] = value[i] is >= ' ' and <= '~' ? (byte)value[i] : (byte)'?';
    }

    /// <summary>Up to the first NUL or the field's end; non-printable bytes read as '?'.</summary>
    private static string ReadString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        if (end < 0) end = field.Length;
        var sb = new StringBuilder(end);
        foreach (byte b in field[..end]) sb.Append(b is >= 0x20 and <= 0x7E ? (char)b : '?');
        return sb.ToString();
    }
}
