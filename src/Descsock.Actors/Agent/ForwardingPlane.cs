using System.Collections.Concurrent;
using System.Diagnostics;
using Descsock.Engine;
using Descsock.Native;
namespace Descsock.Agent;

/// <summary>
/// Moves frames between tenants' rings: every tenant's port, one thread (the plane actor's
/// pinned thread), so no ring has two writers and no lock is needed. Per round it receives a
/// burst from each port and, by the port's service mode, echoes it, sinks it, or switches it
/// (learning source MACs, unicasting to the learned port, flooding broadcast and unknown
/// destinations to the rest of the switch group), then publishes each port's transmissions
/// with one tail store and at most one doorbell. TAP services exchange frames with their kernel
/// interface (<see cref="TapBridge"/>), polled each round and slept on with the doorbells.
/// Source services get a burst of generated frames each round, as much as their tenants posted room for.
/// Ports join and leave through a command queue read between rounds; a leaving port is acknowledged only once no round can touch it again,
/// and only then may its session unmap the tenant's memory (security rule 11).
/// </summary>
public sealed class ForwardingPlane : IDisposable
{
    /// <summary>Frames taken from one port per round, so one busy tenant cannot starve the rest.</summary>
    public const int Burst = 64;
    private readonly ConcurrentQueue<(AgentPort Port, bool Attach, Action? Detached)> _commands = new();
    private readonly List<AgentPort> _ports = new();
    private readonly Dictionary<string, (List<AgentPort> Members, MacTable Table)> _groups = new();
    private readonly EventFd _wake = EventFd.Create();
    private readonly AgentSettings _settings;
    private readonly TapBridge[] _taps;
    private readonly Dictionary<uint, TapBridge> _tapOf = new();
    private readonly List<(AgentPort Port, SourceFrame Frame)> _sources = new();
    private Epoll? _epoll;
    private readonly SpinBudget _spin;
    private long _idleSince; // Stopwatch timestamp of the first empty round since the last useful one; 0 while working
    private bool _drowsy; // slept since the last useful round: sleep again at once instead of spinning
    private volatile bool _stopping;
    private readonly object _wakeGate = new();
    private bool _disposed; // under _wakeGate: Wake may come from any thread, after Dispose too
    private readonly byte[] _header = new byte[14];

    /// <summary>The longest sleep once <see cref="BeginStopping"/> was called.</summary>
    public const int StoppingSleepMs = 10;

    /// <summary>The longest sleep while a source service is attached (see <see cref="SleepMs"/>).</summary>
    public const int SourceSleepMs = 1;

    /// <summary>Creates a plane with no tenants; it owns <paramref name="taps"/> from now on.</summary>
    public ForwardingPlane(AgentSettings settings, IReadOnlyList<TapBridge>? taps = null)
    {
        _settings = settings;
        long minNs = (long)settings.IdleSpinMin.TotalNanoseconds, maxNs = (long)settings.IdleSpinMax.TotalNanoseconds;
        _spin = new SpinBudget(minNs, maxNs, minNs);
        _taps = taps?.ToArray() ?? [];
        foreach (var t in _taps) _tapOf.Add(t.Service.SvcId, t);
    }

    /// <summary>Ports that broke the protocol too often; the plane has already detached them.</summary>
    public ConcurrentQueue<AgentPort> Offenders { get; } = new();

    /// <summary>Ports attached now (plane thread's view).</summary>
    public int PortCount => _ports.Count;

    /// <summary>Any thread: adds a port at the next round.</summary>
    public void Attach(AgentPort port)
    {
        _commands.Enqueue((port, true, null));
        Wake();
    }

    /// <summary>Any thread: removes a port; <paramref name="detached"/> runs on the plane thread once nothing touches it.</summary>
    public void Detach(AgentPort port, Action detached)
    {
        _commands.Enqueue((port, false, detached));
        Wake();
    }

    /// <summary>Any thread: ends the plane's current or next sleep on the doorbells.</summary>
    public void Wake()
    {
        lock (_wakeGate)
            if (!_disposed) _wake.Signal();
    }

    /// <summary>
    /// Any thread: the agent is shutting down. From now on the plane sleeps at most
    /// <see cref="StoppingSleepMs"/>, so the stop its actor is about to receive is seen at once.
    /// </summary>
    public void BeginStopping()
    {
        _stopping = true;
        Wake();
    }

    /// <summary>One round over every port; returns frames moved.</summary>
    public int DoWork()
    {
        if (!_commands.IsEmpty) ApplyCommands();
        int work = 0;
        long now = Environment.TickCount64;
        for (int i = 0; i < _taps.Length; i++) work += PollTap(_taps[i]);
        for (int i = 0; i < _ports.Count; i++) work += Drain(_ports[i], now);
        for (int i = 0; i < _sources.Count; i++) work += Generate(_sources[i].Port, _sources[i].Frame);
        for (int i = 0; i < _ports.Count; i++) _ports[i].Flush();
        for (int i = _ports.Count - 1; i >= 0; i--)
            if (_ports[i].Broken || _ports[i].Violations > _settings.MaxInvalidFrames) Expel(_ports[i]);
        return work;
    }

    /// <summary>
    /// After an empty round: poll on for the adaptive window (<see cref="AgentSettings.IdleSpinMin"/>
    /// to <see cref="AgentSettings.IdleSpinMax"/>), then ask tenants for doorbells and sleep on them.
    /// True when it slept.
    /// </summary>
    public bool Idle(int maxSleepMs)
    {
        if (!_drowsy)
        {
            long now = Stopwatch.GetTimestamp();
            if (_idleSince == 0) _idleSince = now;
            if (now - _idleSince < _spin.Ticks) { Thread.SpinWait(20); return false; }
        }
        foreach (var p in _ports) p.WantInterrupts(true);
        Interlocked.MemoryBarrier(); // flags visible before we look at the rings again
        // Not when that last look expelled a port: its session must hear of it now, not after the
        // sleep (up to the safety net's 2 s when no doorbell is due), and only the caller tells it.
        int work = DoWork();
        if (work > 0) Worked(); // the last look found frames: a new poll window, no sleep
        else if (_commands.IsEmpty && Offenders.IsEmpty)
        {
            _epoll ??= BuildEpoll();
            Span<ulong> ready = stackalloc ulong[64];
            int n = _epoll.Wait(SleepMs(maxSleepMs), ready);
            _wake.Drain();
            // Drain what rang (tokens are port index + 1 as the set was built), or everything when
            // the wait reported as many fds as it can: a checked drain, since a blocking eventfd
            // is refused, never read (rule 10).
            if (n == ready.Length) foreach (var p in _ports) p.DrainDoorbell();
            else
                foreach (ulong token in ready[..n])
                    if (token > 0 && token <= (ulong)_ports.Count) _ports[(int)token - 1].DrainDoorbell();
            _drowsy = true;
        }
        foreach (var p in _ports) p.WantInterrupts(false);
        return true;
    }

    /// <summary>
    /// How long an idle round may sleep. A source service waits for room, and a memif tenant posts
    /// room without a doorbell (DPDK's receive refill never kicks), so while one is attached the
    /// plane only naps, as testpmd's txonly never sleeps at all; without one, the doorbells and the
    /// wake fd end every sleep and <paramref name="maxSleepMs"/> is only a safety net.
    /// </summary>
    private int SleepMs(int maxSleepMs)
    {
        int ms = _sources.Count > 0 ? Math.Min(maxSleepMs, SourceSleepMs) : maxSleepMs;
        return _stopping ? Math.Min(ms, StoppingSleepMs) : ms;
    }

    /// <summary>
    /// After useful work: the next empty round starts a new poll window. Work that ended a sleep
    /// adapts the window by how long the plane had been idle (a wake-up or timeout that brought no
    /// frame does not end the idle spell: the silence goes on).
    /// </summary>
    public void Worked()
    {
        if (_drowsy) _spin.Slept(Stopwatch.GetTimestamp() - _idleSince);
        _idleSince = 0;
        _drowsy = false;
    }

    private int Drain(AgentPort port, long now)
    {
        if (port.BeginReceive() <= 0) return 0;
        int frames = 0;
        // Only the switch decides by the header; the other modes skip its private copy.
        Span<byte> header = port.Service.Mode == ServiceMode.Switch ? _header : default;
        while (frames < Burst && port.TryNextFrame(header, out var segments, out int length))
        {
            frames++;
            var service = port.Service;
            switch (service.Mode)
            {
                case ServiceMode.Echo:
                    port.Transmit(segments, length, service.SwapMacs);
                    break;
                case ServiceMode.Sink:
                case ServiceMode.Source:
                    port.Counters.DropsSink++;
                    break;
                case ServiceMode.Switch:
                    Switch(port, segments, length, now);
                    break;
                case ServiceMode.Tap:
                    _tapOf[service.SvcId].Send(segments);
                    break;
            }
        }
        port.EndReceive();
        return frames;
    }

    /// <summary>A source service: fills up to a burst of the buffers its tenant posted; waiting for room loses nothing.</summary>
    private static int Generate(AgentPort port, SourceFrame frame)
    {
        int frames = 0;
        while (frames < Burst && port.Transmit(frame.Segments, frame.Length, swapMacs: false, countNoRoom: false)) frames++;
        return frames;
    }

    private int PollTap(TapBridge tap)
    {
        if (tap.BrokenErrno != 0) return 0;
        int frames = tap.Poll(Burst);
        if (tap.BrokenErrno != 0) ForgetEpoll(); // a dead interface polls readable forever: stop watching it
        return frames;
    }

    private void Switch(AgentPort from, ReadOnlySpan<Segment> frame, int length, long now)
    {
        var (members, table) = _groups[from.Service.Group];
        ReadOnlySpan<byte> dst = _header.AsSpan(0, 6), src = _header.AsSpan(6, 6); // private copy (rule 9)
        if (!MacTable.IsGroup(src)) table.Learn(MacTable.Key(src), from, now);
        var to = MacTable.IsGroup(dst) ? null : table.Lookup(MacTable.Key(dst), now);
        if (to is not null)
        {
            if (ReferenceEquals(to, from)) from.Counters.DropsSink++;
            else to.Transmit(frame, length, false);
            return;
        }
        int sent = 0;
        foreach (var m in members)
            if (!ReferenceEquals(m, from) && m.Transmit(frame, length, false)) sent++;
        if (members.Count == 1) from.Counters.DropsSink++; // alone on the switch: nowhere to go
    }

    private void ApplyCommands()
    {
        while (_commands.TryDequeue(out var c))
        {
            if (c.Attach)
            {
                _ports.Add(c.Port);
                if (c.Port.Service.Mode == ServiceMode.Tap) _tapOf[c.Port.Service.SvcId].Tenant = c.Port;
                if (c.Port.Service.Mode == ServiceMode.Source) _sources.Add((c.Port, new SourceFrame(c.Port.Service.FrameSize)));
                if (c.Port.Service.Mode == ServiceMode.Switch)
                {
                    if (!_groups.TryGetValue(c.Port.Service.Group, out var g))
                        _groups[c.Port.Service.Group] = g = (new List<AgentPort>(), new MacTable(_settings.MacAgeing));
                    g.Members.Add(c.Port);
                }
            }
            else
            {
                Remove(c.Port);
                c.Detached?.Invoke();
            }
        }
        ForgetEpoll();
    }

    /// <summary>The set of fds to sleep on changed: build it again before the next sleep.</summary>
    private void ForgetEpoll()
    {
        _epoll?.Dispose();
        _epoll = null;
    }

    private void Expel(AgentPort port)
    {
        Remove(port);
        ForgetEpoll();
        Offenders.Enqueue(port);
    }

    private void Remove(AgentPort port)
    {
        if (!_ports.Remove(port)) return;
        _sources.RemoveAll(s => ReferenceEquals(s.Port, port));
        if (port.Service.Mode == ServiceMode.Tap && _tapOf.TryGetValue(port.Service.SvcId, out var tap) && tap.Tenant == port) tap.Tenant = null;
        if (port.Service.Mode == ServiceMode.Switch && _groups.TryGetValue(port.Service.Group, out var g))
        {
            g.Members.Remove(port);
            g.Table.Forget(port);
        }
    }

    private Epoll BuildEpoll()
    {
        var e = new Epoll();
        e.Add(_wake.Descriptor, 0);
        for (int i = 0; i < _ports.Count; i++) e.Add(_ports[i].ReceiveDoorbell.Descriptor, (ulong)i + 1);
        foreach (var t in _taps)
            if (t.BrokenErrno == 0) e.Add(t.Device.Descriptor, 0);
        return e;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _epoll?.Dispose();
        lock (_wakeGate)
        {
            _disposed = true;
            _wake.Dispose();
        }
        foreach (var t in _taps) t.Dispose();
    }
}
