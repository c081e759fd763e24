using Descsock.Client;
namespace Descsock;

/// <summary>
/// A snapshot of one socket's counters over its whole life, across re-registrations (frames and
/// bytes exclude the CRC). <see cref="SendLostOnDisconnect"/> and <see cref="ReceiveLostOnDisconnect"/>
/// count what connections that ended took with them: frames Send had accepted that the agent had
/// not consumed, and frames the agent had delivered that Recv had not returned.
/// </summary>
public sealed record DescsockStatistics(long FramesSent, long BytesSent, long FramesReceived, long BytesReceived,
    long ReceiveDropsInvalid, long Doorbells, int Reconnects, long SendLostOnDisconnect, long ReceiveLostOnDisconnect)
{
    internal static DescsockStatistics From(TenantEndpoint endpoint)
    {
        var t = EndpointTotals.Of(endpoint);
        return new DescsockStatistics(t.FramesSent, t.BytesSent, t.FramesReceived, t.BytesReceived, t.ReceiveDropsInvalid,
            t.Doorbells, t.Reconnects, t.SendLostOnDisconnect, t.ReceiveLostOnDisconnect);
    }
}
