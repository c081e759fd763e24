namespace Descsock.Examples.Responder;

/// <summary>Receives from a descsock socket and sends back every answer the responder builds, until cancelled.</summary>
public static class ResponderLoop
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires or the socket closes.</summary>
    public static async Task RunAsync(DescsockSocket socket, ArpIcmpResponder responder, CancellationToken cancellationToken)
    {
        var frame = new byte[socket.MaxFrameLength];
        var reply = new byte[socket.MaxFrameLength];
        try
        {
            while (await socket.WaitToRecvAsync(cancellationToken))
            {
                // Drain everything queued before waiting again: one wake-up, many frames.
                while (socket.TryRecv(frame, out int length))
                {
                    int answer = responder.Answer(frame.AsSpan(0, length), reply);
                    if (answer > 0) socket.Send(reply.AsSpan(0, answer)); // blocking: never drops an answer
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
