using System.Diagnostics;
using Descsock.Interop;
using Descsock.Rings;
using Descsock.Engine;
namespace Descsock.Client;

/// <summary>
/// The data-path face of one tenant connection, shared by the application's socket object and
/// the supervisor that (re)attaches rings to it. Sends and receives go straight to the ring
/// halves: no actor message, allocation, lock or syscall per frame. Returns errno values, never
/// throws on the hot path. Thread-safety: all members may be called from any thread.
/// </summary>
public sealed class TenantEndpoint
{
    private readonly EndpointSignal _readable = new();
    private readonly EndpointSignal _writable = new();
    private volatile TenantResources? _resources;
    private volatile EndpointState _state = EndpointState.Connecting;
    private readonly object _ending = new(); // makes Detach, Suspend and MarkClosed each one step: the first reason and Closed stick

    /// <summary>Creates an endpoint that is not yet attached to rings.</summary>
    public TenantEndpoint(TenantLimits limits) => Limits = limits;

    /// <summary>Frame limits.</summary>
    public TenantLimits Limits { get; }

    /// <summary>Current state.</summary>
    public EndpointState State => _state;

    /// <summary>Why the endpoint is disconnected (errno), 0 otherwise.</summary>
    public int DisconnectErrno { get; private set; }

    /// <summary>The agent's or the library's reason for the disconnect.</summary>
    public string? DisconnectReason { get; private set; }

    /// <summary>Signalled when frames arrive.</summary>
    public EndpointSignal Readable => _readable;

    /// <summary>Signalled when transmit slots free up while someone waits.</summary>
    public EndpointSignal Writable => _writable;

    /// <summary>The rings currently attached (null when none).</summary>
    public TenantResources? Resources => _resources;

    /// <summary>Supervisor: rings are live.</summary>
    public void Attach(TenantResources resources)
    {
        _resources = resources;
        _state = EndpointState.Connected;
        WakeWaiters();
    }

    /// <summary>Times the supervisor re-registered after losing the agent.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Counters of registrations that have ended (added to the live ones in statistics).</summary>
    public RetiredTotals Retired { get; } = new();

    /// <summary>Supervisor: the rings are going away for good. Retires them so no application thread touches the memory again.</summary>
    public void Detach(int errno, string reason)
    {
        lock (_ending)
        {
            if (_state is EndpointState.Closed or EndpointState.Disconnected) return; // keep the first, real reason
            DisconnectErrno = errno;
            DisconnectReason = reason;
            RetireResources(); // first: whoever sees the new state (Poll's Err) finds the rings retired
            _state = EndpointState.Disconnected;
        }
        WakeWaiters();
    }

    /// <summary>
    /// Supervisor: the agent went away and re-registration begins. Retires the rings like
    /// <see cref="Detach"/>, but the state is <see cref="EndpointState.Reconnecting"/>: blocking
    /// callers wait for <see cref="Attach"/> instead of failing.
    /// </summary>
    public void Suspend(int errno, string reason)
    {
        lock (_ending)
        {
            if (_state is EndpointState.Closed or EndpointState.Disconnected) return;
            DisconnectErrno = errno;
            DisconnectReason = reason;
            RetireResources();
            _state = EndpointState.Reconnecting;
        }
        WakeWaiters();
    }

    /// <summary>Supervisor: rings of a new registration are live again.</summary>
    public void Reattach(TenantResources resources)
    {
        Reconnects++;
        Attach(resources);
    }

    /// <summary>
    /// Blocks while the endpoint is connecting or reconnecting, up to <paramref name="timeout"/>.
    /// True when it is connected; false when it is still not (timeout), failed for good, or closed.
    /// </summary>
    public bool WaitConnected(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long deadline = Deadline(timeout);
        while (_state is EndpointState.Reconnecting or EndpointState.Connecting)
        {
            Task wake = _writable.Prepare();
            if (_state is not (EndpointState.Reconnecting or EndpointState.Connecting)) break;
            int remaining = Remaining(deadline);
            if (remaining == 0) return false;
            try { wake.Wait(Math.Min(remaining, 50), cancellationToken); }
            catch (OperationCanceledException) { throw; }
        }
        return _state == EndpointState.Connected;
    }

    /// <summary>Asynchronous <see cref="WaitConnected"/>.</summary>
    public async ValueTask<bool> WaitConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long deadline = Deadline(timeout);
        while (_state is EndpointState.Reconnecting or EndpointState.Connecting)
        {
            Task wake = _writable.Prepare();
            if (_state is not (EndpointState.Reconnecting or EndpointState.Connecting)) break;
            int remaining = Remaining(deadline);
            if (remaining == 0) return false;
            await wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(remaining, 50)), cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
        return _state == EndpointState.Connected;
    }

    /// <summary>Retires the live rings and keeps their counters, including what the disconnect lost.</summary>
    private void RetireResources()
    {
        var r = _resources;
        if (r is null) return;
        r.Retire();
        Retired.Add(r);
        _resources = null;
    }

    /// <summary>Application: closed; every later call fails with EBADF.</summary>
    public void MarkClosed()
    {
        lock (_ending)
        {
            RetireResources();
            _state = EndpointState.Closed;
        }
        WakeWaiters();
    }

    /// <summary>
    /// Queues <paramref name="frame"/> (Ethernet frame plus 4 CRC bytes). Returns 0, or EINVAL
    /// (shorter than header + CRC), EMSGSIZE (too large), EWOULDBLOCK (ring full), ENOTCONN /
    /// the disconnect errno (no agent), EBADF (closed). Nothing is queued on error.
    /// </summary>
    public int TrySend(ReadOnlySpan<byte> frame)
    {
        if (_state == EndpointState.Closed) return Errno.EBADF;
        if (frame.Length < TenantLimits.MinFrame) return Errno.EINVAL;
        if (frame.Length > Limits.MaxFrame) return Errno.EMSGSIZE;
        var r = _resources;
        if (r is null || _state != EndpointState.Connected) return NotConnectedErrno();
        int status = r.Transmitter.TrySend(frame[..^Crc.Length]);
        return status == Errno.ENOTCONN ? NotConnectedErrno() : status;
    }

    /// <summary>
    /// Queues <paramref name="frames"/> in order (each an Ethernet frame plus 4 CRC bytes) until one
    /// is invalid or does not fit, with one index update and at most one doorbell. Returns how many
    /// were queued; <paramref name="errno"/> is 0 when all were, else why the next was not (as
    /// <see cref="TrySend"/> returns it).
    /// </summary>
    public int TrySendBurst(ReadOnlySpan<ReadOnlyMemory<byte>> frames, out int errno)
    {
        if (_state == EndpointState.Closed) { errno = Errno.EBADF; return 0; }
        var r = _resources;
        if (r is null || _state != EndpointState.Connected) { errno = NotConnectedErrno(); return 0; }
        int sent = r.Transmitter.TrySendBurst(frames, TenantLimits.MinFrame, Limits.MaxFrame, out errno);
        if (errno == Errno.ENOTCONN) errno = NotConnectedErrno();
        return sent;
    }

    /// <summary>
    /// Copies the next frame (with 4 zero CRC bytes) into <paramref name="buffer"/>. Returns 0 and
    /// the length, or EWOULDBLOCK (nothing queued), EMSGSIZE (buffer too small: the frame stays
    /// queued, <paramref name="length"/> = the size needed), a disconnect errno, or EBADF.
    /// </summary>
    public int TryRecv(Span<byte> buffer, out int length)
    {
        length = 0;
        if (_state == EndpointState.Closed) return Errno.EBADF;
        var r = _resources;
        if (r is null) return NotConnectedErrno();
        int status = r.Receiver.TryRecv(buffer, out length);
        return status == Errno.ENOTCONN ? NotConnectedErrno() : status;
    }

    /// <summary>
    /// Copies up to a burst of frames (each with 4 zero CRC bytes) into <paramref name="buffers"/>,
    /// their lengths into <paramref name="lengths"/>. Returns how many; <paramref name="errno"/> as
    /// <see cref="TryRecv"/> returns it for the first frame not received (0 when the burst was filled).
    /// </summary>
    public int TryRecvBurst(ReadOnlySpan<Memory<byte>> buffers, Span<int> lengths, out int errno)
    {
        if (_state == EndpointState.Closed) { errno = Errno.EBADF; return 0; }
        var r = _resources;
        if (r is null) { errno = NotConnectedErrno(); return 0; }
        int received = r.Receiver.TryRecvBurst(buffers, lengths, out errno);
        if (errno == Errno.ENOTCONN) errno = NotConnectedErrno();
        return received;
    }

    /// <summary>The seed's poll: which of <paramref name="mask"/>'s conditions hold now (Err is always reported).</summary>
    public int Poll(int mask)
    {
        var state = _state;
        if (state is EndpointState.Closed or EndpointState.Disconnected or EndpointState.Reconnecting) return EndpointEvents.Err;
        var r = _resources;
        if (r is null || state != EndpointState.Connected) return 0;
        int events = 0;
        if ((mask & EndpointEvents.In) != 0 && r.Receiver.HasFrame) events |= EndpointEvents.In;
        if ((mask & EndpointEvents.Out) != 0 && r.Transmitter.FreeSlots >= r.Transmitter.SlotsFor(Limits.MaxWireFrame))
            events |= EndpointEvents.Out;
        return events;
    }

    /// <summary>
    /// Blocks until one of <paramref name="mask"/>'s conditions holds or an error, for at most
    /// <paramref name="timeout"/> (infinite: <see cref="Timeout.InfiniteTimeSpan"/>). Returns the
    /// events, 0 on timeout. Spins first, polling the ring itself, for up to <see cref="Spin"/>'s
    /// budget: a reply or freed room usually comes within the time a sleeping thread needs to wake.
    /// </summary>
    public int Wait(int mask, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long deadline = Deadline(timeout);
        long start = Stopwatch.GetTimestamp(), spinUntil = start + Spin.Ticks;
        bool slept = false;
        for (int polls = 0; ; polls++)
        {
            int events = Poll(mask);
            if (events != 0)
            {
                if (slept) Spin.Slept(Stopwatch.GetTimestamp() - start);
                return events;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (!slept && Stopwatch.GetTimestamp() < spinUntil && Remaining(deadline) > 0)
            {
                // Let a thread of ours that shares this CPU (the SEP worker, often) have it now and then.
                if ((polls & 63) == 63) Thread.Yield();
                else Thread.SpinWait(10);
                continue;
            }
            Task wake = Prepare(mask);
            if ((events = Poll(mask)) != 0) return events;
            int remaining = Remaining(deadline);
            if (remaining == 0)
            {
                if (slept) Spin.Slept(Stopwatch.GetTimestamp() - start); // timed out after sleeping: nothing to catch by spinning
                return 0;
            }
            slept = true;
            wake.Wait(Math.Min(remaining, 50), cancellationToken);
        }
    }

    /// <summary>How long <see cref="Wait"/> spins before it sleeps; adapted to this endpoint's waits.</summary>
    public SpinBudget Spin { get; } = SpinBudget.ForTenantWait();

    /// <summary>Asynchronous <see cref="Wait"/>: completes with the events, 0 on timeout.</summary>
    public async ValueTask<int> WaitAsync(int mask, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long deadline = Deadline(timeout);
        while (true)
        {
            int events = Poll(mask);
            if (events != 0) return events;
            Task wake = Prepare(mask);
            if ((events = Poll(mask)) != 0) return events;
            int remaining = Remaining(deadline);
            if (remaining == 0) return 0;
            // Bounded so that a condition we are not notified of (agent frees slots while the pump sleeps) is re-checked.
            await wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(remaining, 50)), cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private Task Prepare(int mask)
    {
        bool wantIn = (mask & EndpointEvents.In) != 0, wantOut = (mask & EndpointEvents.Out) != 0;
        if (wantOut && !wantIn)
        {
            var t = _writable.Prepare();
            _resources?.Transmitter.WakeWorker(); // a sleeping pump switches to short naps while a sender waits
            return t;
        }
        if (wantIn && !wantOut)
        {
            var t = _readable.Prepare();
            _resources?.Transmitter.WakeWorker(); // a worker napping while the reader polled takes over the receive side
            return t;
        }
        var both = Task.WhenAny(_readable.Prepare(), _writable.Prepare());
        _resources?.Transmitter.WakeWorker();
        return both;
    }

    private int NotConnectedErrno() => _state switch
    {
        EndpointState.Closed => Errno.EBADF,
        EndpointState.Disconnected when DisconnectErrno != 0 => DisconnectErrno,
        _ => Errno.ENOTCONN, // connecting or reconnecting
    };

    private void WakeWaiters()
    {
        _readable.Notify();
        _writable.Notify();
    }

    private static long Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;

    private static int Remaining(long deadline) =>
        deadline == long.MaxValue ? int.MaxValue : (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
}
