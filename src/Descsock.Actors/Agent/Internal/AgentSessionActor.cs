using Akka.Actor;
using Akka.Event;
using Descsock.Native;
using Descsock.Wire;
namespace Descsock.Agent.Internal;

/// <summary>
/// One tenant's session: runs the handshake off-thread, attaches the tenant's port to the plane,
/// watches the control connection, and cleans up: it asks the plane to detach the port and
/// unmaps, closes and frees the service id only after the plane's acknowledgement and the
/// control reader's return (security rule 11). Restart semantics: never restarted (the listener
/// stops a failed session); everything it owns is released in PostStop.
/// </summary>
internal sealed class AgentSessionActor : ReceiveActor
{
    internal sealed record Lost(int Errno, string Reason);
    internal sealed class ReaderStopped { public static readonly ReaderStopped Instance = new(); }
    internal sealed class HandshakeDone { public static readonly HandshakeDone Instance = new(); }
    internal sealed class Live { public static readonly Live Instance = new(); }

    private readonly TenantConnection _connection;
    private readonly AgentSettings _settings;
    private readonly ServiceRegistry _registry;
    private readonly PlaneHandle _plane;
    private readonly Func<uint, ServiceCounters> _counters;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Action> _releaseAfterPlane;
    private AgentPort? _port;
    private ControlReader? _reader;
    private bool _portAttached, _readerRunning, _released;

    public AgentSessionActor(TenantConnection connection, AgentSettings settings, ServiceRegistry registry, PlaneHandle plane,
        Func<uint, ServiceCounters> counters, System.Collections.Concurrent.ConcurrentQueue<Action> releaseAfterPlane)
    {
        _releaseAfterPlane = releaseAfterPlane;
        _connection = connection;
        _settings = settings;
        _registry = registry;
        _plane = plane;
        _counters = counters;
        Receive<HandshakeDone>(_ => GoLive());
        Receive<Exception>(e =>
        {
            // The handshake already told the tenant why; tell the operator too.
            Context.GetLogger().Warning("tenant pid {0} uid {1} refused: {2}", _connection.Peer.Pid, _connection.Peer.Uid, e.Message);
            Context.Stop(Self);
        });
    }

    protected override void PreStart()
    {
        var (c, s, r) = (_connection, _settings, _registry);
        // Its own thread, not the thread pool: the handshake blocks in poll() for up to HandshakeTimeout
        // per step, and a few silent peers holding pool threads starved the actors (ours included)
        // of the pool, so every other tenant's registration waited for thread injection (8 silent
        // connections: 0.6 s, 60: 1.6 s; security rule 15). At most MaxPendingHandshakes such threads.
        Task.Factory.StartNew(() => AgentHandshake.Run(c, s, r), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .PipeTo(Self, success: () => HandshakeDone.Instance, failure: e => e);
    }

    private void GoLive()
    {
        var service = _connection.Service!;
        _port = new AgentPort(_connection, _counters(service.SvcId), _settings.MaxFrame);
        _plane.Tell(new Agent.AttachPort(_port, Self));
        _portAttached = true;
        _reader = new ControlReader((errno, reason) => new Lost(errno, reason), ReaderStopped.Instance);
        _reader.Start(_connection.Control, Self);
        _readerRunning = true;
        Context.Parent.Tell(Live.Instance);
        Become(Connected);
    }

    private void Connected()
    {
        Receive<Lost>(_ => Leave());
        Receive<Agent.PortExpelled>(m =>
        {
            Disconnect($"protocol violation: {m.Reason}");
            Leave();
        });
    }

    private void Leave()
    {
        _plane.Tell(new Agent.DetachPort(_port!));
        _reader?.Stop();
        Become(Leaving);
    }

    private void Leaving()
    {
        Receive<Agent.PortDetached>(_ => { _portAttached = false; TryFinish(); });
        Receive<ReaderStopped>(_ => { _readerRunning = false; TryFinish(); });
        Receive<Lost>(_ => { });
        Receive<Agent.PortExpelled>(_ => { });
    }

    private void TryFinish()
    {
        if (_portAttached || _readerRunning) return;
        Release();
        Context.Stop(Self);
    }

    private void Disconnect(string reason)
    {
        var msg = new byte[MemifMessageLayout.Size];
        MemifCodec.Write(new DisconnectMessage(0, reason), msg);
        _connection.Control.Send(msg);
    }

    /// <summary>
    /// Frees the service id, then unmaps and closes every fd. The id goes first: a tenant that
    /// closed waits for our hang-up, and may register the same id the moment it sees it.
    /// </summary>
    private void Release()
    {
        if (_released) return;
        _released = true;
        if (_connection.Service is { } s) _registry.Release(s.SvcId);
        _connection.Dispose();
    }

    protected override void PostStop()
    {
        _reader?.Stop();
        if (_portAttached)
        {
            // Stopping with the agent: never unmap under the plane; the listener releases after it stops.
            _releaseAfterPlane.Enqueue(Release);
            return;
        }
        if (_readerRunning) Thread.Sleep(150);
        Release();
    }
}
