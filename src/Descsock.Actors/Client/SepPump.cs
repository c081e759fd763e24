using Descsock.Native;
using Descsock.Rings;
using Descsock.Wire;
namespace Descsock.Client;

/// <summary>
/// The SEP worker's duty cycle, free of Akka so it can be tested and benchmarked alone.
/// <see cref="DoWork"/> harvests filled receive buffers, posts empty ones and wakes blocked
/// application threads (readers on new frames, writers on freed slots), returning how much it did. <see cref="Idle"/> is the adaptive back-off
/// of rule 6: spin briefly, then ask the agent for doorbells (clear MASK_INT), re-check, and sleep
/// in epoll on the receive doorbell and our wake eventfd. Thread-safety: one thread (the SEP
/// actor's pinned thread). Others wake it through <see cref="TenantResources.WorkerWake"/>.
/// </summary>
public sealed class SepPump : IDisposable
{
    private readonly TenantResources _resources;
    private readonly EndpointSignal _readable;
    private readonly EndpointSignal _writable;
    private readonly Epoll _epoll = new();
    private int _idleRounds;
    private bool _drowsy; // slept since the last useful round: sleep again at once instead of spinning

    /// <summary>Spins this many empty rounds before sleeping.</summary>
    public const int SpinRounds = 2000;

    /// <summary>Longest sleep when nobody waits, so the actor's mailbox is seen regularly.</summary>
    public const int SleepMilliseconds = 100;

    /// <summary>Creates a pump over <paramref name="resources"/>.</summary>
    public SepPump(TenantResources resources, EndpointSignal readable, EndpointSignal writable)
    {
        _resources = resources;
        _readable = readable;
        _writable = writable;
        _epoll.Add(resources.ReceiveDoorbell.Descriptor, 1);
        _epoll.Add(resources.WorkerWake.Descriptor, 2);
        // Start in polling mode: the agent need not signal while we spin.
        resources.Receiver.Ring.Flags = RingLayout.FlagMaskInterrupt;
    }

    /// <summary>Times the pump went to sleep.</summary>
    public long Sleeps { get; private set; }

    /// <summary>One round: returns work done (0 = idle), or -1 if the agent violated the ring protocol.</summary>
    public int DoWork()
    {
        var rx = _resources.Receiver;
        int harvested = rx.Harvest();
        if (harvested < 0) return -1;
        int posted = rx.Refill();
        if (harvested > 0) _readable.Notify();
        // Nothing tells us when the agent frees transmit slots, so while a sender waits we look.
        if (_writable.HasWaiters && _resources.Transmitter.FreeSlots > 0) _writable.Notify();
        return harvested + posted;
    }

    /// <summary>Called after an empty round: spins, then sleeps on the doorbells.</summary>
    public void Idle()
    {
        if (!_drowsy && ++_idleRounds < SpinRounds)
        {
            Thread.SpinWait(20);
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
            _epoll.Wait(_writable.HasWaiters ? 1 : SleepMilliseconds);
            _resources.ReceiveDoorbell.Drain();
            _resources.WorkerWake.Drain();
            _drowsy = true;
        }
        rx.WorkerWantsBuffers = false;
        Volatile.Write(ref flags, RingLayout.FlagMaskInterrupt); // back to polling
    }

    /// <summary>Resets the spin counter after useful work.</summary>
    public void Worked()
    {
        _idleRounds = 0;
        _drowsy = false;
    }

    /// <inheritdoc />
    public void Dispose() => _epoll.Dispose();
}
