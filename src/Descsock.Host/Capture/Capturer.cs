namespace Descsock.Host.Capture;

/// <summary>
/// <c>descsock capture</c>: registers as the tenant of a service and records every frame the
/// agent delivers to it — on a switch group that is what the group floods or sends to this
/// port, on a tap service what the kernel sends out of the interface — until the count is
/// reached, the time is up, or it is cancelled.
/// </summary>
public static class Capturer
{
    /// <summary>Captures from <paramref name="socket"/> into <paramref name="pcap"/>; returns frames written.</summary>
    public static async Task<long> RunAsync(DescsockSocket socket, PcapWriter pcap, long count, CancellationToken cancellationToken)
    {
        var frame = new byte[socket.MaxFrameLength];
        try
        {
            while ((count <= 0 || pcap.Frames < count) && await socket.WaitToRecvAsync(cancellationToken))
            {
                while ((count <= 0 || pcap.Frames < count) && socket.TryRecv(frame, out int length))
                    pcap.Write(frame.AsSpan(0, length - 4), DateTimeOffset.UtcNow); // without the CRC bytes
                pcap.Flush();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        pcap.Flush();
        return pcap.Frames;
    }
}
