using Akka.Actor;
using Descsock.Interop;
using Descsock.Native;
using Descsock.Wire;
namespace Descsock.Client.Internal;

/// <summary>
/// Owns one tenant's registration with the agent: the control socket, the region and rings
/// (<see cref="TenantResources"/>), the control reader, and two children: the SEP actor that
/// pumps the rings and the client actor that offers send/receive as messages.
/// <para>States: idle → connecting (handshake off-thread) → connected → tearing down → done.</para>
/// <para>Restart semantics. A SEP actor that throws is restarted (up to 10 times a minute) and
/// resumes pumping the same rings: it owns nothing but its epoll set. The supervisor alone
/// unmaps: only after the SEP actor has terminated, the control reader has returned and the
/// application's threads are retired from the rings (security rule 11). Re-registration after
/// the agent goes away is the supervisor's job too (issue #4); today the endpoint reports the
/// disconnect's errno.</para>
/// </summary>
internal sealed class TenantSupervisorActor : ReceiveActor
{
    private readonly TenantSettings _settings;
    private readonly TenantEndpoint _endpoint;
    private readonly CancellationTokenSource _handshakeCancel = new();
    private IActorRef? _connectRequester;
    private IActorRef? _closeRequester;
    private SeqPacketSocket? _control;
    private TenantResources? _resources;
    private ControlReader? _reader;
    private IActorRef? _sep;
    private IActorRef? _client;
    private bool _sepRunning;
    private bool _readerRunning;

    public TenantSupervisorActor(TenantSettings settings, TenantEndpoint endpoint)
    {
        _settings = settings;
        _endpoint = endpoint;
        Idle();
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private void Idle()
    {
        Receive<TenantSupervisor.Connect>(_ =>
        {
            _connectRequester = Sender;
            var settings = _settings;
            var token = _handshakeCancel.Token;
            Task.Run(() => TenantHandshake.Run(settings, token), token)
                .PipeTo(Self, success: r => r, failure: e => e is AggregateException a ? a.InnerException ?? a : e);
            Become(Connecting);
        });
        Receive<TenantSupervisor.Close>(_ => { Sender.Tell(TenantSupervisor.Closed.Instance); Context.Stop(Self); });
        CommonQueries();
    }

    private void Connecting()
    {
        Receive<TenantHandshake.Result>(r =>
        {
            _control = r.Control;
            _resources = r.Resources;
            if (_closeRequester is not null) { BeginTeardown(Errno.EBADF, "closed by the application"); return; }
            // Post every receive buffer before Open returns: an agent echoing the first frames must
            // find room, or it drops them. Safe here: the SEP actor, the refill's owner, starts after.
            r.Resources.Receiver.Refill();
            _sep = Context.Watch(Context.ActorOf(Sep.Props(r.Resources, _endpoint), "sep"));
            _sepRunning = true;
            _client = Context.ActorOf(TenantClient.Props(_endpoint), "client");
            _reader = new ControlReader((errno, reason) => new TenantSupervisor.ControlLost(errno, reason.Replace("the peer", "the agent")),
                TenantSupervisor.ReaderStopped.Instance);
            _reader.Start(r.Control, Self);
            _readerRunning = true;
            _endpoint.Attach(r.Resources);
            _connectRequester?.Tell(new TenantSupervisor.Connected(r.AgentName));
            Become(Connected);
        });
        Receive<Exception>(e =>
        {
            var errno = e is DescsockException d ? d.Errno : Errno.EIO;
            _endpoint.Detach(errno, e.Message);
            _connectRequester?.Tell(new TenantSupervisor.Failed(errno, e.Message));
            Finish();
        });
        Receive<TenantSupervisor.Close>(_ =>
        {
            _closeRequester = Sender;
            _endpoint.MarkClosed();
            _handshakeCancel.Cancel();
        });
        CommonQueries();
    }

    private void Connected()
    {
        Receive<TenantSupervisor.ControlLost>(m => BeginTeardown(m.Errno, m.Reason));
        Receive<Sep.ProtocolViolation>(m =>
        {
            SendDisconnect(m.Reason);
            BeginTeardown(Errno.EPROTO, $"the agent broke the ring protocol: {m.Reason}");
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_sep), _ =>
        {
            _sepRunning = false;
            BeginTeardown(Errno.EIO, "the SEP worker failed repeatedly and was stopped");
        });
        Receive<TenantSupervisor.Close>(_ =>
        {
            _closeRequester = Sender;
            SendDisconnect("closed by the application");
            _endpoint.MarkClosed();
            BeginTeardown(Errno.EBADF, "closed by the application");
        });
        Receive<TenantSupervisor.GetClient>(_ => Sender.Tell(_client));
        CommonQueries();
    }

    private void TearingDown()
    {
        Receive<Terminated>(t => t.ActorRef.Equals(_sep), _ => { _sepRunning = false; TryFinishTeardown(); });
        Receive<TenantSupervisor.ReaderStopped>(_ => { _readerRunning = false; TryFinishTeardown(); });
        Receive<TenantSupervisor.ControlLost>(_ => { });
        Receive<Sep.ProtocolViolation>(_ => { });
        Receive<TenantSupervisor.Close>(_ => _closeRequester = Sender);
        CommonQueries();
    }

    private void Done()
    {
        Receive<TenantSupervisor.Close>(_ => { Sender.Tell(TenantSupervisor.Closed.Instance); Context.Stop(Self); });
        Receive<TenantSupervisor.ReaderStopped>(_ => { });
        Receive<TenantSupervisor.ControlLost>(_ => { });
        CommonQueries();
    }

    private void CommonQueries()
    {
        Receive<TenantSupervisor.WhoOwnsControl>(_ => Sender.Tell(new TenantSupervisor.ControlReport(
            _control?.Descriptor.IsClosed == false ? _control.Descriptor.Value : -1, _endpoint.State, _sep, _client)));
        Receive<TenantSupervisor.GetClient>(_ => Sender.Tell(new TenantSupervisor.Failed(Errno.ENOTCONN, "not connected")));
    }

    /// <summary>Retires the rings from the application, then stops the SEP actor and the reader.</summary>
    private void BeginTeardown(int errno, string reason)
    {
        _endpoint.Detach(errno, reason);
        if (_sep is not null && _sepRunning)
        {
            Context.Stop(_sep);
            _resources?.WorkerWake.Signal(); // end its sleep so it sees the stop promptly
        }
        if (_client is not null) Context.Stop(_client);
        _reader?.Stop();
        Become(TearingDown);
        TryFinishTeardown();
    }

    private void TryFinishTeardown()
    {
        if (_sepRunning || _readerRunning) return;
        Finish();
    }

    /// <summary>Nothing touches the memory or the socket any more: release them.</summary>
    private void Finish()
    {
        _resources?.Dispose();
        _resources = null;
        _control?.Dispose();
        _control = null;
        if (_closeRequester is not null)
        {
            _closeRequester.Tell(TenantSupervisor.Closed.Instance);
            Context.Stop(Self);
            return;
        }
        Become(Done);
    }

    private void SendDisconnect(string reason)
    {
        if (_control is null) return;
        Span<byte> msg = stackalloc byte[MemifMessageLayout.Size];
        MemifCodec.Write(new DisconnectMessage(0, reason), msg);
        _control.Send(msg); // best effort: never blocks, and the agent may already be gone
    }

    protected override void PostStop()
    {
        // Reached on system shutdown too: children have stopped by now; wait out the reader.
        _handshakeCancel.Cancel();
        _reader?.Stop();
        if (_readerRunning) Thread.Sleep(150);
        _endpoint.Detach(Errno.ECONNRESET, "the engine stopped");
        _resources?.Dispose();
        _control?.Dispose();
    }
}
