using Descsock.Native;
using Descsock.Rings;
using Descsock.Wire;
namespace Descsock.Client;

/// <summary>
/// The SEP worker's duty cycle, free of Akka so it can be tested and benchmarked alone.
/// <see cref="DoWork"/> harvests filled receive buffers, posts empty ones and wakes blocked
/// application threads (readers on new frames, writers on freed slots), returning how much it did. <see cref="Idle"/> is the adaptive back-off
/// of rule 6: spin briefly, then ask the agent for doorbells (clear MASK_INT), re-check, and sleep
/// in epoll on the receive doorbell and our wake eventfd. While the application polls and
/// harvests the ring itself (<see cref="TenantReceiver.Assists"/>), the worker neither spins nor
/// asks for doorbells: it naps and takes over when the polling stops or a reader blocks. Thread-safety: one thread (the SEP
/// actor's pinned thread). Others wake it through <see cref="TenantResources.WorkerWake"/>.
/// </summary>
public sealed class SepPump : IDisposable
{
    private readonly TenantResources _resources;
    private readonly EndpointSignal _readable;
    private readonly EndpointSignal _writable;
    private readonly Epoll _epoll = new();
    private const ulong DoorbellToken = 1, WakeToken = 2; // epoll tokens of the two eventfds
    private int _idleRounds;
    private bool _drowsy; // slept since the last useful round: sleep again at once instead of spinning
    private long _seenAssists;
    private long _seenDelivered;

    /// <summary>Spins this many empty rounds before sleeping.</summary>
    public const int SpinRounds = 2000;

    /// <summary>
    /// First sleep when nobody waits; each sleep that ends with nothing to do doubles the next,
    /// up to <see cref="MaxSleepMilliseconds"/>. Whatever needs the worker wakes it at once (the
    /// agent's doorbell, a blocked reader or writer, the supervisor stopping it), so the bound
    /// only decides how often an idle tenant looks at its mailbox: hundreds of idle tenants then
    /// cost next to nothing (design rule 6).
    /// </summary>
    public const int SleepMilliseconds = 100;

    /// <summary>
    /// Longest sleep of an idle worker. Long, so hundreds of idle tenants wake a few dozen times a
    /// second in all: each wake costs tens of µs on a virtual machine. Messages to the SEP actor
    /// wait for it, so whatever must be seen sooner wakes the worker: the supervisor stopping it, and
    /// the actor system shutting down (<see cref="BeginStopping"/>).
    /// </summary>
    public const int MaxSleepMilliseconds = 8000;

    /// <summary>The longest sleep once <see cref="BeginStopping"/> was called.</summary>
    public const int StoppingSleepMilliseconds = 10;

    private volatile bool _stopping;

    private int _sleepMilliseconds = SleepMilliseconds;

    /// <summary>
    /// Sleep while the application polls the ring itself (readers assist): doorbells stay masked,
    /// and the worker looks again this often, taking over when the polling stops.
    /// </summary>
    public const int ReaderPollingMilliseconds = 10;

    /// <summary>Creates a pump over <paramref name="resources"/>.</summary>
    public SepPump(TenantResources resources, EndpointSignal readable, EndpointSignal writable)
    {
        _resources = resources;
        _readable = readable;
        _writable = writable;
        _epoll.Add(resources.ReceiveDoorbell.Descriptor, DoorbellToken);
        _epoll.Add(resources.WorkerWake.Descriptor, WakeToken);
        // Start in polling mode: the agent need not signal while we spin.
        resources.Receiver.Ring.Flags = RingLayout.FlagMaskInterrupt;
    }

    /// <summary>Times the pump went to sleep.</summary>
    public long Sleeps { get; private set; }

    /// <summary>One round: returns work done (0 = idle), or -1 if the agent violated the ring protocol.</summary>
    public int DoWork()
    {
        var rx = _resources.Receiver;
        int work = rx.Work(out int harvested);
        if (work < 0) return -1;
        if (harvested > 0 && _readable.HasWaiters)
        {
            _readable.Notify();
            // The reader we woke usually shares our CPU (the tenant's core): let it run now, not
            // when the scheduler next preempts us, a millisecond or more into our spin.
            Thread.Yield();
        }
        // Nothing tells us when the agent frees transmit slots, so while a sender waits we look.
        if (_writable.HasWaiters && _resources.Transmitter.FreeSlots > 0) _writable.Notify();
        return work;
    }

    /// <summary>Called after an empty round: spins, then sleeps on the doorbells.</summary>
    public void Idle()
    {
        long assists = _resources.Receiver.Assists, delivered = _resources.Receiver.Frames;
        if ((assists != _seenAssists || delivered != _seenDelivered) && !_readable.HasWaiters)
        {
            // The application receives on its own thread: spinning here would only take its CPU,
            // and doorbells would cost the agent a system call per burst for nothing. Frames
            // delivered count too: a reader that keeps finding frames we harvested never assists,
            // and the two of us would share its core for good (measured: 4 Mpps instead of 17).
            _seenAssists = assists;
            _seenDelivered = delivered;
            _idleRounds = 0;
            Sleeps++;
            _epoll.Wait(ReaderPollingMilliseconds);
            _resources.WorkerWake.Drain();
            _drowsy = true;
            if (!_readable.HasWaiters) return;
            // A reader blocked meanwhile and woke us: take over the receive side now, not after a mailbox turn.
        }
        if (!_drowsy && ++_idleRounds < SpinRounds)
        {
            // Spin, but give the CPU away now and then: application threads of this process
            // often share it, and a pure spin would hold them off until the scheduler's tick.
            if ((_idleRounds & 31) == 0) Thread.Yield();
            else Thread.SpinWait(20);
            return;
        }
        _idleRounds = 0;
        var rx = _resources.Receiver;
        ref ushort flags = ref rx.Ring.Flags;
        Volatile.Write(ref flags, 0); // ask the agent to ring our doorbell
        rx.WorkerWantsBuffers = true;
        Interlocked.MemoryBarrier(); // the flag store must be visible before we re-read the tail
        if (DoWork() == 0)
        {
            Sleeps++;
            int timeout = _writable.HasWaiters ? 1 : _stopping ? Math.Min(_sleepMilliseconds, StoppingSleepMilliseconds) : _sleepMilliseconds;
            Span<ulong> ready = stackalloc ulong[2];
            int n = _epoll.Wait(timeout, ready);
            if (n == 0 && timeout == _sleepMilliseconds)
                _sleepMilliseconds = Math.Min(2 * _sleepMilliseconds, MaxSleepMilliseconds);
            // Read only the eventfds that rang: an idle tenant wakes on its timeout with neither
            // ready, and two reads that find nothing are two system calls for nothing.
            foreach (ulong token in ready[..n])
                (token == DoorbellToken ? _resources.ReceiveDoorbell : _resources.WorkerWake).Drain();
            _drowsy = true;
        }
        rx.WorkerWantsBuffers = false;
        Volatile.Write(ref flags, RingLayout.FlagMaskInterrupt); // back to polling
    }

    /// <summary>
    /// Any thread: the actor system is shutting down. From now on the worker sleeps at most
    /// <see cref="StoppingSleepMilliseconds"/>, so the stop its actor is about to receive is seen at once.
    /// </summary>
    public void BeginStopping()
    {
        _stopping = true;
        _resources.WorkerWake.Signal();
    }

    /// <summary>Resets the spin counter after useful work.</summary>
    public void Worked()
    {
        _idleRounds = 0;
        _drowsy = false;
        _sleepMilliseconds = SleepMilliseconds;
    }

    /// <inheritdoc />
    public void Dispose() => _epoll.Dispose();
}
