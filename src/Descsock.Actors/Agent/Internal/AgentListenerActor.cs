using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Descsock.Client;
using Descsock.Native;
namespace Descsock.Agent.Internal;

/// <summary>
/// The agent's root: binds the master socket (mode 0660), accepts tenants on a background loop
/// (each accept becomes a message), caps connections still in their handshake, and spawns a
/// session per tenant and one plane actor. A session that fails is stopped alone (its PostStop
/// releases what it holds); the plane actor is restarted and resumes the same plane. If the
/// agent cannot start (socket in use, TAP device refused) it serves nothing and answers
/// <see cref="Agent.GetStats"/> with the failure, so its host can report it and exit.
/// </summary>
internal sealed class AgentListenerActor : ReceiveActor
{
    private sealed record Accepted(SeqPacketSocket Socket, PeerCredentials Peer);

    private readonly AgentSettings _settings;
    private readonly ServiceRegistry _registry;
    private readonly ConcurrentDictionary<uint, ServiceCounters> _counters = new();
    private readonly CancellationTokenSource _stop = new();
    // Ends the accept loop's wait on stop, so it can wait without a timeout: an idle agent does
    // not wake ten times a second to look at its listener.
    private readonly EventFd _wakeAccept = EventFd.Create();
    private readonly HashSet<IActorRef> _handshaking = new();
    // Sessions stopped with the agent while their port was on the plane leave their release here:
    // run in PostStop, once the plane actor (a child) has stopped and no round can touch the memory.
    private readonly ConcurrentQueue<Action> _releaseAfterPlane = new();
    private SeqPacketListener? _listener;
    private ForwardingPlane? _plane;
    private IActorRef? _planeActor;
    private Task? _acceptLoop;
    private PlaneHandle? _planeHandle;
    private Exception? _startFailure;

    public AgentListenerActor(AgentSettings settings)
    {
        _settings = settings;
        _registry = new ServiceRegistry(settings.Services);
        Receive<Accepted>(OnAccepted);
        // Braces matter: a lambda returning bool would bind to Receive's Predicate overload.
        Receive<AgentSessionActor.Live>(_ => { _handshaking.Remove(Sender); });
        Receive<Terminated>(t => { _handshaking.Remove(t.ActorRef); });
        Receive<Agent.GetStats>(_ => Sender.Tell(_startFailure is null ? Snapshot() : new Status.Failure(_startFailure)));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), e => Sender.Equals(_planeActor) ? Directive.Restart : Directive.Stop);

    protected override void PreStart()
    {
        try
        {
            Start();
        }
        catch (DescsockException e)
        {
            _startFailure = e;
            Context.GetLogger().Error("descsock agent cannot start: {0}", e.Message);
            _listener?.Dispose();
            _listener = null;
        }
    }

    private void Start()
    {
        _plane = new ForwardingPlane(_settings, CreateTaps());
        Diagnostics.DescsockMetrics.RegisterAgent(this, () => _settings.Services.Select(s => (s.SvcId, _counters.GetOrAdd(s.SvcId, _ => new ServiceCounters()))));
        _listener = SeqPacketListener.Bind(_settings.SocketPath);
        _planeActor = Context.ActorOf(Props.Create(() => new PlaneActor(_plane)).WithDispatcher(Sep.DispatcherId), "plane");
        _planeHandle = new PlaneHandle(_planeActor, _plane);
        // The plane's thread may sleep on the doorbells for seconds; on shutdown it must see its
        // stop promptly. Actors are stopped after this phase, children before their parent's PostStop.
        var plane = _plane;
        CoordinatedShutdown.Get(Context.System).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "descsock-plane-stopping", () =>
        {
            plane.BeginStopping();
            return Task.FromResult(Akka.Done.Instance);
        });
        var (listener, self, token, wake) = (_listener, Self, _stop.Token, _wakeAccept);
        _acceptLoop = Task.Factory.StartNew(() =>
        {
            while (!token.IsCancellationRequested)
            {
                var socket = listener.Accept(-1, out var peer, wake);
                if (socket is not null) self.Tell(new Accepted(socket, peer));
            }
        }, TaskCreationOptions.LongRunning);
    }

    /// <summary>One TAP interface per tap service; on any failure the ones made so far are closed.</summary>
    private List<TapBridge> CreateTaps()
    {
        var taps = new List<TapBridge>();
        try
        {
            foreach (var s in _settings.Services.Where(s => s.Mode == ServiceMode.Tap))
            {
                TapDevice device;
                try
                {
                    device = TapDevice.Create(s.EffectiveTapName);
                }
                catch (DescsockException e)
                {
                    throw new DescsockException(e.Errno, $"tap service {s.SvcId}: cannot create interface {s.EffectiveTapName}", e);
                }
                taps.Add(new TapBridge(s, device, _counters.GetOrAdd(s.SvcId, _ => new ServiceCounters()), _settings.MaxFrame));
            }
            return taps;
        }
        catch
        {
            foreach (var t in taps) t.Dispose();
            throw;
        }
    }

    private void OnAccepted(Accepted a)
    {
        if (_handshaking.Count >= _settings.MaxPendingHandshakes)
        {
            a.Socket.Dispose(); // too many half-open tenants: refuse before reading anything
            return;
        }
        var connection = new TenantConnection(a.Socket, a.Peer);
        var session = Context.ActorOf(Props.Create(() => new AgentSessionActor(connection, _settings, _registry, _planeHandle!,
            id => _counters.GetOrAdd(id, _ => new ServiceCounters()), _releaseAfterPlane)));
        Context.Watch(session);
        _handshaking.Add(session);
    }

    private Agent.Stats Snapshot()
    {
        var result = new Dictionary<uint, Agent.ServiceStats>();
        foreach (var s in _settings.Services)
        {
            var c = _counters.GetOrAdd(s.SvcId, _ => new ServiceCounters());
            result[s.SvcId] = new Agent.ServiceStats(s.SvcId, s.Mode, _registry.IsInUse(s.SvcId), c.FramesIn, c.BytesIn, c.FramesOut, c.BytesOut,
                c.DropsInvalid, c.DropsNoRoom, c.DropsSink);
        }
        return new Agent.Stats(result);
    }

    protected override void PostStop()
    {
        Diagnostics.DescsockMetrics.UnregisterAgent(this);
        _stop.Cancel();
        _wakeAccept.Signal();
        if (_acceptLoop is null || _acceptLoop.Wait(TimeSpan.FromSeconds(1))) _wakeAccept.Dispose(); // else the loop may still poll it
        _listener?.Dispose();
        _plane?.Dispose(); // the plane actor (a child) has stopped by now
        if (!_releaseAfterPlane.IsEmpty) Thread.Sleep(150); // the sessions' control readers, told to stop, may still be returning from their wait
        while (_releaseAfterPlane.TryDequeue(out var release)) release(); // tenants see their connection close
    }
}
