namespace Descsock.Tests.EndToEnd;

/// <summary>Frames for the burst tests, each telling which it is by its payload.</summary>
internal static class BurstFrames
{
    /// <summary>A broadcast frame of <paramref name="length"/> bytes including 4 CRC bytes, its payload filled with <paramref name="mark"/>.</summary>
    public static byte[] Frame(int length, byte mark)
    {
        var f = new byte[length];
        f.AsSpan(0, 6).Fill(0xFF);
        f[12] = 0x88; f[13] = 0xB5;
        f.AsSpan(14, length - 18).Fill(mark);
        return f;
    }
}
