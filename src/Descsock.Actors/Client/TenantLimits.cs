namespace Descsock.Client;

/// <summary>Frame size limits of one endpoint, all counted with the 4 CRC bytes the API carries.</summary>
/// <param name="MaxWireFrame">Largest frame on the wire (without CRC) this endpoint sends or accepts.</param>
public sealed record TenantLimits(int MaxWireFrame)
{
    /// <summary>An Ethernet header (14 bytes) plus CRC: anything shorter is not a frame.</summary>
    public const int MinFrame = 14 + Rings.Crc.Length;

    /// <summary>Largest frame accepted by Send / produced by Recv, with CRC.</summary>
    public int MaxFrame => MaxWireFrame + Rings.Crc.Length;
}
