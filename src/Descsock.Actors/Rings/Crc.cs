namespace Descsock.Rings;

/// <summary>
/// The seed's frames carry 4 trailing CRC bytes (hardware wants them); the memif wire carries
/// frames without them. The library adds them on receive and strips them on send.
/// </summary>
public static class Crc
{
    /// <summary>Bytes of CRC at the end of every application frame.</summary>
    public const int Length = 4;
}
