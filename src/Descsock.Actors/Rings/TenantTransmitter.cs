using Descsock.Interop;
using Descsock.Memory;
using Descsock.Native;
using Descsock.Wire;
namespace Descsock.Rings;

/// <summary>
/// The tenant's transmit side: writes frames straight from the caller's buffer into the S2M
/// ring's fixed buffers (the one copy, rule 2) and publishes them with a release store of head.
/// Frames larger than a buffer are chained over consecutive slots and published whole. Rings the
/// agent's doorbell only when the agent asked for it (rule 3). Sent buffers are reclaimed
/// implicitly: slot i always owns buffer i, and the agent's tail says which are free again.
/// Thread-safety: any number of threads may call <see cref="TrySend"/>.
/// </summary>
public sealed unsafe class TenantTransmitter
{
    private readonly RingView _ring;
    private readonly byte* _regionBase;
    private readonly TenantRegionLayout _layout;
    private readonly EventFd _doorbell;
    private readonly EventFd _workerWake;
    /// <summary>
    /// A burst becomes the agent's every this many frames, not only once it is all copied: the agent
    /// starts on the first frames while the rest are being copied, so both sides work at once (the
    /// agent's <see cref="Agent.AgentPort.PublishEvery"/> does the same the other way). Measured
    /// with 32 frames in flight through our echo service at 64 bytes (the best of 3 runs of 2 s, twice,
    /// 2026-12-03): 27 Mpps before, 29 with this, 30–31 with the burst receive off the ring as well.
    /// Only when the ring is more than half empty, though: the agent then keeps up and waits for
    /// us. A ring mostly full means it has a backlog to work through, and each early store would
    /// only take the head's line from the agent while it polls. (The 64-byte flood read 110 Mpps
    /// twice with early stores in every burst, against 160 without; runs of one build range from
    /// 70 to 160 on this machine, so that is a reason, not a measurement.)
    /// </summary>
    internal const int PublishEvery = 8;

    private ExclusiveGuard _guard;
    private readonly bool[] _endsFrame; // per slot: the last descriptor of a frame (ours: the ring's flags are the agent's to clear)
    private ushort _head;      // published: the agent's, once the burst that placed it returned
    private ushort _ringHead;  // last stored into the ring's head (ahead of _head within a burst)
    private ushort _tailSeen;  // the agent's tail when we last read it
    private bool _retired;

    /// <summary>Binds to the S2M ring of <paramref name="layout"/> in the mapped region.</summary>
    public TenantTransmitter(byte* regionBase, TenantRegionLayout layout, EventFd doorbell, EventFd workerWake)
    {
        _workerWake = workerWake;
        _regionBase = regionBase;
        _layout = layout;
        _doorbell = doorbell;
        _ring = new RingView(regionBase + layout.TransmitRingOffset, layout.Log2RingSize);
        _endsFrame = new bool[_ring.Size];
    }

    /// <summary>The ring (for initialisation and tests).</summary>
    public RingView Ring => _ring;

    /// <summary>Frames published to the agent.</summary>
    public long Frames { get; private set; }

    /// <summary>Bytes published to the agent (without CRC).</summary>
    public long Bytes { get; private set; }

    /// <summary>Times the agent's tail claimed more than we ever published (a misbehaving agent).</summary>
    public long TailViolations { get; private set; }

    /// <summary>Doorbells rung.</summary>
    public long Doorbells { get; private set; }

    /// <summary>Slots free for new frames, from the agent's tail (clamped to the ring).</summary>
    public int FreeSlots
    {
        get
        {
            _guard.Enter(); // the guard keeps a retiring region mapped while we read its tail
            try
            {
                if (_retired) return 0;
                int inFlight = (ushort)(_head - Volatile.Read(ref _ring.Tail)); // acquire: agent done with those slots
                return inFlight > _ring.Size ? 0 : _ring.Size - inFlight;
            }
            finally
            {
                _guard.Exit();
            }
        }
    }

    /// <summary>Slots a frame of <paramref name="wireLength"/> bytes occupies.</summary>
    public int SlotsFor(int wireLength) => (wireLength + _layout.BufferSize - 1) / _layout.BufferSize;

    /// <summary>Wakes the SEP worker (a sender is about to wait for room); no-op once retired.</summary>
    public void WakeWorker()
    {
        _guard.Enter();
        if (!_retired) _workerWake.Signal();
        _guard.Exit();
    }

    /// <summary>Descriptors published that the agent has not consumed yet (clamped: the tail is the agent's).</summary>
    public int Unconsumed => Math.Min((ushort)(_head - Volatile.Read(ref _ring.Tail)), _ring.Size);

    /// <summary>
    /// Frames published that the agent has not wholly consumed yet: what a disconnect loses. A
    /// frame chained over several slots counts once. Call after <see cref="Retire"/>, while mapped.
    /// </summary>
    public int UnconsumedFrames
    {
        get
        {
            int pending = Unconsumed, frames = 0;
            for (int i = 0; i < pending; i++)
                if (_endsFrame[(_head - pending + i) & _ring.Mask]) frames++;
            return frames;
        }
    }

    /// <summary>
    /// Stops all further sends and waits out one in progress, so the region can be unmapped
    /// safely afterwards (security rule 11). Later calls return ENOTCONN.
    /// </summary>
    public void Retire()
    {
        _guard.Enter();
        _retired = true;
        _guard.Exit();
    }

    /// <summary>
    /// Publishes one frame (without CRC). Returns 0, or EWOULDBLOCK when the ring has no room.
    /// The caller has checked the length against the endpoint's limits.
    /// </summary>
    public int TrySend(ReadOnlySpan<byte> wireFrame)
    {
        _guard.Enter();
        try
        {
            if (_retired) return Errno.ENOTCONN;
            int free = CachedFreeSlots();
            ushort index = _head;
            bool looked = false;
            if (!PlaceLooking(wireFrame, ref free, ref index, ref looked)) return Errno.EWOULDBLOCK;
            Publish(index, 1, wireFrame.Length);
            RingIfAsked(); // under the guard: once retired, the doorbell may be closed
        }
        finally
        {
            _guard.Exit();
        }
        return 0;
    }

    /// <summary>
    /// Publishes frames in order, each (with its 4 CRC bytes) checked against
    /// <paramref name="minLength"/>..<paramref name="maxLength"/>, until one is invalid or does not
    /// fit: one guard, one fence and at most one doorbell for the whole burst, and an index store
    /// every <see cref="PublishEvery"/> frames and at the end.
    /// Returns how many were published; <paramref name="status"/> is 0 when all were, else why the
    /// next one was not (EWOULDBLOCK: no room; EINVAL / EMSGSIZE: its length; ENOTCONN: retired).
    /// </summary>
    public int TrySendBurst(ReadOnlySpan<ReadOnlyMemory<byte>> frames, int minLength, int maxLength, out int status)
    {
        int sent = 0;
        long bytes = 0;
        status = 0;
        _guard.Enter();
        try
        {
            if (_retired) { status = Errno.ENOTCONN; return 0; }
            int free = CachedFreeSlots();
            ushort index = _head;
            bool looked = false;
            int untilPublish = free > _ring.Size / 2 ? PublishEvery : -1; // see PublishEvery
            for (; sent < frames.Length; sent++)
            {
                var frame = frames[sent].Span;
                if (frame.Length < minLength) { status = Errno.EINVAL; break; }
                if (frame.Length > maxLength) { status = Errno.EMSGSIZE; break; }
                var wire = frame[..^Crc.Length];
                if (!PlaceLooking(wire, ref free, ref index, ref looked)) { status = Errno.EWOULDBLOCK; break; }
                bytes += wire.Length;
                if (--untilPublish == 0)
                {
                    Volatile.Write(ref _ring.Head, _ringHead = index); // whole frames only: index is past this one
                    untilPublish = PublishEvery;
                }
            }
            if (sent > 0)
            {
                Publish(index, sent, bytes);
                RingIfAsked();
            }
        }
        finally
        {
            _guard.Exit();
        }
        return sent;
    }

    /// <summary>
    /// Under the guard: the slots free by the agent's tail as last read. A burst starts from this
    /// and reads the tail itself only when it runs out (<see cref="PlaceLooking"/>): the agent
    /// stores that line every round, so a read on every call was a cross-core miss on every call,
    /// where a ring with room to spare needs one now and then (the tail only moves forward).
    /// </summary>
    private int CachedFreeSlots() => _ring.Size - (ushort)(_head - _tailSeen);

    /// <summary>
    /// Under the guard: places the frame in the room known; when that is too little, reads the
    /// agent's tail once per call (<paramref name="looked"/>) and tries again.
    /// </summary>
    private bool PlaceLooking(ReadOnlySpan<byte> wireFrame, ref int free, ref ushort index, ref bool looked)
    {
        if (Place(wireFrame, ref free, ref index)) return true;
        if (looked) return false;
        looked = true;
        free = FreeSlotsLocked(index);
        return free >= 0 && Place(wireFrame, ref free, ref index);
    }

    /// <summary>
    /// Under the guard: reads the agent's tail and returns the slots free from <paramref name="index"/>
    /// (this burst's next slot) on, or -1 when the tail is impossible: ahead of what we stored in
    /// the head, or more than a ring behind it. (A tail that went back within that passes, and
    /// leaves less room or none: nothing is overwritten that the agent may still read.)
    /// </summary>
    private int FreeSlotsLocked(ushort index)
    {
        ushort tail = Volatile.Read(ref _ring.Tail); // acquire: agent finished reading those buffers
        if ((ushort)(_ringHead - tail) > _ring.Size)
        {
            TailViolations++;
            return -1;
        }
        _tailSeen = tail;
        return _ring.Size - (ushort)(index - tail);
    }

    /// <summary>
    /// Under the guard: copies one frame into the slots from <paramref name="index"/> on (the one
    /// copy), chaining over several when it is larger than a buffer; false, writing nothing, when
    /// fewer than it needs of <paramref name="free"/> slots are left.
    /// </summary>
    private bool Place(ReadOnlySpan<byte> wireFrame, ref int free, ref ushort index)
    {
        int bsize = _layout.BufferSize;
        if (wireFrame.Length <= bsize) // one slot: most frames, without the division or the chain loop
        {
            if (free < 1) return false;
            free--;
            int slot = index & _ring.Mask;
            long offset = _layout.TransmitBufferOffset(slot);
            wireFrame.CopyTo(new Span<byte>(_regionBase + offset, wireFrame.Length));
            RingDescriptor.WriteIfChanged(ref _ring.Descriptor(index), 0, (uint)wireFrame.Length, (uint)offset);
            _endsFrame[slot] = true;
            index++;
            return true;
        }
        int slots = SlotsFor(wireFrame.Length);
        if (free < slots) return false;
        free -= slots;
        for (int remaining = wireFrame.Length, pos = 0; remaining > 0; index++)
        {
            int chunk = Math.Min(remaining, bsize);
            int slot = index & _ring.Mask;
            long offset = _layout.TransmitBufferOffset(slot);
            wireFrame.Slice(pos, chunk).CopyTo(new Span<byte>(_regionBase + offset, chunk));
            remaining -= chunk;
            pos += chunk;
            // Assign, never OR: DPDK 22.11 leaves stale NEXT bits otherwise (notes §3.5).
            RingDescriptor.WriteIfChanged(ref _ring.Descriptor(index), remaining > 0 ? DescriptorLayout.FlagNext : (ushort)0, (uint)chunk, (uint)offset);
            _endsFrame[slot] = remaining == 0;
        }
        return true;
    }

    /// <summary>Under the guard: makes everything up to <paramref name="index"/> the agent's.</summary>
    private void Publish(ushort index, int frames, long bytes)
    {
        _head = _ringHead = index;
        Volatile.Write(ref _ring.Head, index); // release: descriptors and bytes before the index
        Frames += frames;
        Bytes += bytes;
    }

    /// <summary>Under the guard, after publishing: rings the agent's doorbell if it asked for one, once.</summary>
    private void RingIfAsked()
    {
        // Full fence: our head store must be visible before we read the agent's flag, or we can
        // read "busy" while the agent, having just asked for a doorbell, reads our old head and
        // sleeps (store-load reordering on x86: a lost wake-up, up to the agent's sleep timeout).
        Interlocked.MemoryBarrier();
        if (_ring.PeerWantsInterrupt)
        {
            Doorbells++;
            _doorbell.Signal();
        }
    }
}
