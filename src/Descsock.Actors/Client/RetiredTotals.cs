namespace Descsock.Client;

/// <summary>
/// Counters of an endpoint's ended registrations, so statistics survive reconnects, and what
/// each disconnect lost: frames the application had sent that the agent had not yet taken and
/// frames the agent had delivered that the application had not yet received — in frames, a
/// jumbo frame chained over several descriptors counting once. Written by the supervisor only.
/// </summary>
public sealed class RetiredTotals
{
    /// <summary>Frames and bytes sent and received over ended registrations.</summary>
    public long FramesSent, BytesSent, FramesReceived, BytesReceived, ReceiveDropsInvalid, Doorbells;

    /// <summary>Sent frames lost with a connection (in the ring, not consumed by the agent).</summary>
    public long SendLostOnDisconnect;

    /// <summary>Received frames lost with a connection (queued, not read by the application).</summary>
    public long ReceiveLostOnDisconnect;

    /// <summary>Adds a retired registration's counters.</summary>
    internal void Add(TenantResources r)
    {
        FramesSent += r.Transmitter.Frames;
        BytesSent += r.Transmitter.Bytes;
        FramesReceived += r.Receiver.Frames;
        BytesReceived += r.Receiver.Bytes;
        ReceiveDropsInvalid += r.Receiver.DroppedInvalid;
        Doorbells += r.Transmitter.Doorbells;
        SendLostOnDisconnect += r.Transmitter.UnconsumedFrames;
        ReceiveLostOnDisconnect += r.Receiver.QueuedFrames;
    }
}
