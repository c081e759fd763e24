using Akka.Actor;
using Descsock.Interop;
using Descsock.Native;
using Descsock.Wire;
namespace Descsock.Client.Internal;

/// <summary>
/// Owns one tenant's registration with the agent: the control socket, the region and rings
/// (<see cref="TenantResources"/>), the control reader, and two children: the SEP actor that
/// pumps the rings and the client actor that offers send/receive as messages.
/// <para>States: idle → connecting (handshake off-thread) → connected → tearing down → done, and
/// after losing the agent: tearing down → backing off → reconnecting → connected.</para>
/// <para>Restart semantics. A SEP actor that throws is restarted (up to 10 times a minute) and
/// resumes pumping the same rings: it owns nothing but its epoll set. The supervisor alone
/// unmaps: only after the SEP actor has terminated, the control reader has returned and the
/// application's threads are retired from the rings (security rule 11). The supervisor alone
/// re-registers: when the agent disconnects us, the control connection breaks, or the SEP actor
/// gives up, it tears the registration down as above (the endpoint reports Reconnecting), waits
/// a jittered, bounded exponential backoff (<see cref="ReconnectPolicy"/>, on the actor system's
/// scheduler), and runs the whole handshake again with a fresh region and rings under the same
/// svc_id; the application's socket and the client actor stay the same. Refusals no retry can
/// cure (<see cref="ReconnectPolicy.IsFatal"/>) and exhausted attempts end in Disconnected with
/// the errno, and are published on the event stream as <see cref="TenantSupervisor.GaveUp"/>.</para>
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
    private bool _reconnectAfterTeardown;
    private int _attempt;
    private ICancelable? _retryTimer;
    private ICancelable? _hangUpTimer;

    /// <summary>
    /// How long a close waits for the agent to hang up after our DISCONNECT. Our agent and DPDK's
    /// free the svc_id before they close the connection, so once Close returns the same id can be
    /// registered again at once; an agent that never hangs up costs this much.
    /// </summary>
    internal static readonly TimeSpan PeerHangUpWait = TimeSpan.FromSeconds(1);

    /// <summary>The wait for the agent to hang up is over: stop the control reader.</summary>
    private sealed class StopReader { public static readonly StopReader Instance = new(); }

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
            if (!GoLive(r)) return;
            _endpoint.Attach(r.Resources);
            _connectRequester?.Tell(new TenantSupervisor.Connected(r.AgentName));
        });
        Receive<Exception>(e =>
        {
            var (errno, reason) = e is DescsockException d ? (d.Errno, d.Reason) : (Errno.EIO, e.Message);
            _endpoint.Detach(errno, reason);
            _connectRequester?.Tell(new TenantSupervisor.Failed(errno, reason));
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

    /// <summary>
    /// A handshake succeeded: posts the receive buffers, starts the SEP actor and the control
    /// reader (and the client actor, once). False if the application closed meanwhile.
    /// </summary>
    private bool GoLive(TenantHandshake.Result r)
    {
        _control = r.Control;
        _resources = r.Resources;
        if (_closeRequester is not null) { BeginTeardown(Errno.EBADF, "closed by the application", reconnect: false); return false; }
        // Post every receive buffer before Open returns: an agent echoing the first frames must
        // find room, or it drops them. Safe here: the SEP actor, the refill's owner, starts after.
        r.Resources.Receiver.Work(out _);
        _sep = Context.Watch(Context.ActorOf(Sep.Props(r.Resources, _endpoint), $"sep-{_attempt}"));
        _sepRunning = true;
        _client ??= Context.ActorOf(TenantClient.Props(_endpoint), "client");
        _reader = new ControlReader((errno, reason) => new TenantSupervisor.ControlLost(errno, reason.Replace("the peer", "the agent")),
            TenantSupervisor.ReaderStopped.Instance);
        _reader.Start(r.Control, Self);
        _readerRunning = true;
        Become(Connected);
        return true;
    }

    private void Connected()
    {
        bool reconnect = _settings.Reconnect.Enabled;
        Receive<TenantSupervisor.ControlLost>(m => BeginTeardown(m.Errno, m.Reason, reconnect));
        Receive<Sep.ProtocolViolation>(m =>
        {
            SendDisconnect(m.Reason);
            BeginTeardown(Errno.EPROTO, $"the agent broke the ring protocol: {m.Reason}", reconnect);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_sep), _ =>
        {
            _sepRunning = false;
            BeginTeardown(Errno.EIO, "the SEP worker failed repeatedly and was stopped", reconnect);
        });
        Receive<TenantSupervisor.Close>(_ =>
        {
            _closeRequester = Sender;
            SendDisconnect("closed by the application");
            _endpoint.MarkClosed();
            BeginTeardown(Errno.EBADF, "closed by the application", reconnect: false, awaitHangUp: true);
        });
        Receive<TenantSupervisor.GetClient>(_ => Sender.Tell(_client));
        CommonQueries();
    }

    /// <summary>Registration lost; waiting out the backoff before the next attempt.</summary>
    private void BackingOff()
    {
        Receive<TenantSupervisor.Retry>(_ =>
        {
            var (settings, token) = (_settings, _handshakeCancel.Token);
            Task.Run(() => TenantHandshake.Run(settings, token), token)
                .PipeTo(Self, success: r => r, failure: e => e is AggregateException a ? a.InnerException ?? a : e);
            Become(Reconnecting);
        });
        Receive<TenantSupervisor.Close>(_ =>
        {
            _retryTimer?.Cancel();
            _endpoint.MarkClosed();
            Sender.Tell(TenantSupervisor.Closed.Instance);
            Context.Stop(Self);
        });
        Receive<TenantSupervisor.GetClient>(_ => Sender.Tell(_client));
        Receive<TenantSupervisor.ReaderStopped>(_ => { });
        Receive<TenantSupervisor.ControlLost>(_ => { });
        CommonQueries();
    }

    /// <summary>A re-registration handshake is running.</summary>
    private void Reconnecting()
    {
        Receive<TenantHandshake.Result>(r =>
        {
            if (!GoLive(r)) return;
            // The endpoint first, then the news: whoever acts on the event (an application, a
            // test) finds the socket already usable. Published first, a send made at once
            // could still find the endpoint re-registering and fail with ENOTCONN.
            _endpoint.Reattach(r.Resources);
            Context.System.EventStream.Publish(new TenantSupervisor.Reconnected(_settings.SvcId, _attempt));
            _attempt = 0;
        });
        Receive<Exception>(e =>
        {
            int errno = e is DescsockException d ? d.Errno : Errno.EIO;
            string reason = e is DescsockException de ? de.Reason : e.Message;
            if (_closeRequester is not null) GiveUp(Errno.EBADF, "closed by the application");
            else if (ReconnectPolicy.IsFatal(errno)) GiveUp(errno, $"re-registration refused: {reason}");
            else ScheduleRetry(errno, reason);
        });
        Receive<TenantSupervisor.Close>(_ =>
        {
            _closeRequester = Sender;
            _endpoint.MarkClosed();
            _handshakeCancel.Cancel();
        });
        Receive<TenantSupervisor.GetClient>(_ => Sender.Tell(_client));
        CommonQueries();
    }

    /// <summary>Schedules the next attempt, or gives up when the policy's attempts are spent.</summary>
    private void ScheduleRetry(int errno, string reason)
    {
        var policy = _settings.Reconnect;
        _attempt++;
        if (policy.MaxAttempts > 0 && _attempt > policy.MaxAttempts)
        {
            GiveUp(errno, $"gave up re-registering after {policy.MaxAttempts} attempts: {reason}");
            return;
        }
        var delay = policy.Delay(_attempt, Random.Shared.NextDouble());
        // The timer first, then the news: whoever acts on the event (a test advancing a virtual
        // clock) finds the attempt already scheduled. Published first, a clock advanced at once
        // could pass before the timer existed, and the attempt came a whole delay late.
        _retryTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, TenantSupervisor.Retry.Instance, Self);
        Context.System.EventStream.Publish(new TenantSupervisor.ReconnectScheduled(_settings.SvcId, _attempt, delay, errno, reason));
        Become(BackingOff);
    }

    private void GiveUp(int errno, string reason)
    {
        _endpoint.Detach(errno, reason); // before the news, as for Reconnected
        Context.System.EventStream.Publish(new TenantSupervisor.GaveUp(_settings.SvcId, errno, reason));
        if (_client is not null) Context.Stop(_client);
        if (_closeRequester is not null)
        {
            _closeRequester.Tell(TenantSupervisor.Closed.Instance);
            Context.Stop(Self);
            return;
        }
        Become(Done);
    }

    private void TearingDown()
    {
        Receive<Terminated>(t => t.ActorRef.Equals(_sep), _ => { _sepRunning = false; TryFinishTeardown(); });
        Receive<TenantSupervisor.ReaderStopped>(_ => { _readerRunning = false; TryFinishTeardown(); });
        Receive<TenantSupervisor.ControlLost>(_ => { });
        Receive<StopReader>(_ => _reader?.Stop());
        Receive<Sep.ProtocolViolation>(_ => { });
        Receive<TenantSupervisor.Close>(_ => _closeRequester = Sender);
        CommonQueries();
    }

    private void Done()
    {
        Receive<TenantSupervisor.Close>(_ => { Sender.Tell(TenantSupervisor.Closed.Instance); Context.Stop(Self); });
        Receive<TenantSupervisor.ReaderStopped>(_ => { });
        Receive<TenantSupervisor.ControlLost>(_ => { });
        Receive<StopReader>(_ => { });
        CommonQueries();
    }

    private void CommonQueries()
    {
        Receive<TenantSupervisor.WhoOwnsControl>(_ => Sender.Tell(new TenantSupervisor.ControlReport(
            _control?.Descriptor.IsClosed == false ? _control.Descriptor.Value : -1, _endpoint.State, _sep, _client)));
        Receive<TenantSupervisor.GetClient>(_ => Sender.Tell(new TenantSupervisor.Failed(Errno.ENOTCONN, "not connected")));
    }

    /// <summary>
    /// Retires the rings from the application, then stops the SEP actor and the reader; with
    /// <paramref name="awaitHangUp"/> the reader runs on until the agent closes the connection
    /// (it returns on EOF), for at most <see cref="PeerHangUpWait"/>.
    /// </summary>
    private void BeginTeardown(int errno, string reason, bool reconnect, bool awaitHangUp = false)
    {
        _reconnectAfterTeardown = reconnect && _closeRequester is null;
        if (_reconnectAfterTeardown) _endpoint.Suspend(errno, reason);
        else _endpoint.Detach(errno, reason);
        if (_sep is not null && _sepRunning)
        {
            Context.Stop(_sep);
            _resources?.WorkerWake.Signal(); // end its sleep so it sees the stop promptly
        }
        if (_client is not null && !_reconnectAfterTeardown) Context.Stop(_client);
        if (awaitHangUp && _readerRunning) _hangUpTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(PeerHangUpWait, Self, StopReader.Instance, Self);
        else _reader?.Stop();
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
        if (_reconnectAfterTeardown)
        {
            _reconnectAfterTeardown = false;
            ScheduleRetry(_endpoint.DisconnectErrno, _endpoint.DisconnectReason ?? "connection lost");
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
        _retryTimer?.Cancel();
        _hangUpTimer?.Cancel();
        _reader?.Stop();
        if (_readerRunning) Thread.Sleep(150);
        _endpoint.Detach(Errno.ECONNRESET, "the engine stopped");
        _resources?.Dispose();
        _control?.Dispose();
    }
}
