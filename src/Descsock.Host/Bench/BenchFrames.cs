namespace Descsock.Host.Bench;

/// <summary>The frames the C# tenant sends: broadcast Ethernet, the local experimental EtherType, a counter pattern.</summary>
internal static class BenchFrames
{
    /// <summary>A frame of <paramref name="size"/> bytes on the wire, followed by the 4 CRC bytes the API expects.</summary>
    public static byte[] Make(int size)
    {
        var frame = new byte[size + 4];
        frame.AsSpan(0, 6).Fill(0xFF);
        frame[6] = 0x02; // locally administered source
        frame[11] = 0x01;
        frame[12] = 0x88; frame[13] = 0xB5; // IEEE 802 local experimental EtherType
        for (int i = 14; i < size; i++) frame[i] = (byte)i;
        return frame;
    }
}
