using Descsock.Client;
namespace Descsock;

/// <summary>A snapshot of one socket's counters (frames and bytes exclude the CRC).</summary>
public sealed record DescsockStatistics(long FramesSent, long BytesSent, long FramesReceived, long BytesReceived,
    long ReceiveDropsInvalid, long Doorbells)
{
    internal static DescsockStatistics From(TenantEndpoint endpoint)
    {
        var r = endpoint.Resources;
        return r is null
            ? new DescsockStatistics(0, 0, 0, 0, 0, 0)
            : new DescsockStatistics(r.Transmitter.Frames, r.Transmitter.Bytes, r.Receiver.Frames, r.Receiver.Bytes,
                r.Receiver.DroppedInvalid, r.Transmitter.Doorbells);
    }
}
