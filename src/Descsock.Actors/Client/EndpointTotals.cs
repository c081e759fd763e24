namespace Descsock.Client;

/// <summary>
/// An endpoint's counters over its whole life: ended registrations plus the live one (frames and
/// bytes exclude the CRC). A snapshot: fields are read one by one, without a lock.
/// </summary>
public readonly record struct EndpointTotals(long FramesSent, long BytesSent, long FramesReceived, long BytesReceived,
    long ReceiveDropsInvalid, long Doorbells, int Reconnects, long SendLostOnDisconnect, long ReceiveLostOnDisconnect)
{
    /// <summary>Reads <paramref name="endpoint"/>'s counters.</summary>
    public static EndpointTotals Of(TenantEndpoint endpoint)
    {
        var t = endpoint.Retired;
        var r = endpoint.Resources;
        return new EndpointTotals(
            t.FramesSent + (r?.Transmitter.Frames ?? 0), t.BytesSent + (r?.Transmitter.Bytes ?? 0),
            t.FramesReceived + (r?.Receiver.Frames ?? 0), t.BytesReceived + (r?.Receiver.Bytes ?? 0),
            t.ReceiveDropsInvalid + (r?.Receiver.DroppedInvalid ?? 0), t.Doorbells + (r?.Transmitter.Doorbells ?? 0),
            endpoint.Reconnects, t.SendLostOnDisconnect, t.ReceiveLostOnDisconnect);
    }
}
