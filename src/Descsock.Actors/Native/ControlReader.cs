using Akka.Actor;
using Descsock.Interop;
using Descsock.Wire;
namespace Descsock.Native;

/// <summary>
/// Watches the live control connection after the handshake, off the actor's threads: the OS
/// event (a DISCONNECT, EOF, a reset) becomes a message to the supervisor. Waits on the socket
/// and a stop eventfd, so a stop request is seen at once and an idle connection costs nothing;
/// tells the owner <c>stopped</c> when it no longer touches the socket, and only then may the
/// owner close it. Used by both the tenant supervisor and the agent's session actors.
/// </summary>
internal sealed class ControlReader(Func<int, string, object> lost, object stopped)
{
    private readonly CancellationTokenSource _stop = new();
    // Ends the reader's wait at once on Stop, so the wait itself can be long: an idle tenant's
    // reader then wakes every 10 s, not ten times a second (hundreds of idle tenants, design rule 6).
    private readonly EventFd _wake = EventFd.Create();
    private readonly object _gate = new();
    private bool _finished; // under _gate: the wake fd is closed, never to be signalled again

    public void Start(SeqPacketSocket socket, IActorRef supervisor) =>
        Task.Factory.StartNew(() => Run(socket, supervisor), TaskCreationOptions.LongRunning);

    public void Stop()
    {
        _stop.Cancel();
        lock (_gate)
            if (!_finished) _wake.Signal();
    }

    private void Run(SeqPacketSocket socket, IActorRef supervisor)
    {
        var msg = new byte[MemifMessageLayout.Size];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var status = socket.Receive(msg, out int length, out FileDescriptor? fd, 10_000, _wake);
                fd?.Dispose(); // nothing legitimate carries an fd after the handshake
                if (status == ReceiveStatus.Timeout) continue;
                if (status == ReceiveStatus.Closed)
                {
                    supervisor.Tell(lost(Errno.ECONNRESET, "the peer closed the control connection"));
                    return;
                }
                if (status == ReceiveStatus.Message && length == MemifMessageLayout.Size &&
                    MemifCodec.PeekType(msg) == MemifMessageType.Disconnect && MemifCodec.TryRead(msg, out DisconnectMessage d))
                {
                    supervisor.Tell(lost(Errno.ECONNRESET, $"the peer disconnected: \"{d.Reason}\""));
                    return;
                }
                // Anything else after CONNECTED is ignored, as DPDK does.
            }
        }
        finally
        {
            lock (_gate)
            {
                _finished = true;
                _wake.Dispose();
            }
            supervisor.Tell(stopped);
        }
    }
}
