using Descsock.Interop;
using Descsock.Memory;
using Descsock.Native;
using Descsock.Wire;
using System.Runtime.Intrinsics.X86;
namespace Descsock.Rings;

/// <summary>
/// The tenant's receive side, in two halves joined by lock-free queues:
/// <list type="bullet">
/// <item>the worker half (<see cref="Work"/>) takes descriptors the agent filled off the M2S ring
/// into the received queue and posts empty buffers from the free list, so the agent always has
/// somewhere to write. The SEP worker runs it; so does a reader that finds the queue empty or has
/// taken a refill's worth of frames (it "assists"), so that an application polling the socket receives on its own thread, without
/// waiting for the worker to be scheduled, as DPDK's poll-mode receive does. A guard lets one of
/// them at a time; the other simply skips its turn;</item>
/// <item>the reader half (<see cref="TryRecv"/>, any application thread) copies the next whole
/// frame out of the shared buffers into the caller's buffer (the one copy) and returns the
/// buffers to the free list. A burst reader that finds the queue empty takes frames straight
/// off the ring instead, holding both halves' guards (<see cref="TryRecvBurst"/>).</item>
/// </list>
/// What the agent wrote is untrusted: the buffer of a slot is the one we posted (kept privately),
/// never the offset the agent left in shared memory; lengths are checked against what we posted.
/// </summary>
public sealed unsafe class TenantReceiver
{
    /// <summary>Empty slots that make a refill worth its head store (DPDK's rx_free_thresh is 32 too), on rings of 128 slots or more.</summary>
    internal const int RefillBurst = 32;

    private readonly RingView _ring;
    private readonly byte* _regionBase;
    private readonly TenantRegionLayout _layout;
    private readonly int[] _postedBuffer;
    private readonly SpscQueue _received;
    private readonly SpscQueue _free;
    private readonly int _maxChain;
    private readonly int _refillThreshold; // RefillBurst, or a quarter of a smaller ring: the agent keeps most of it
    private readonly EventFd _workerWake;
    private ExclusiveGuard _readerGuard;
    private ExclusiveGuard _workerGuard; // one harvester at a time: the SEP worker or an assisting reader
    private long _assists;
    private int _takenSinceWork; // frames the reader took since it last did the worker half (reader-owned)
    private ushort _head;     // last index posted to the agent (worker-owned)
    private ushort _lastTail; // agent's tail already harvested (worker-owned)
    private int _workerWantsBuffers;
    private bool _retired;

    /// <summary>Binds to the M2S ring of <paramref name="layout"/>; all pool buffers start free.</summary>
    public TenantReceiver(byte* regionBase, TenantRegionLayout layout, int maxWireFrame, EventFd workerWake)
    {
        _workerWake = workerWake;
        _regionBase = regionBase;
        _layout = layout;
        _ring = new RingView(regionBase + layout.ReceiveRingOffset, layout.Log2RingSize);
        _postedBuffer = new int[_ring.Size];
        _received = new SpscQueue(layout.ReceiveBuffers);
        _free = new SpscQueue(layout.ReceiveBuffers);
        for (int i = 0; i < layout.ReceiveBuffers; i++) _free.TryEnqueue((ulong)i);
        _maxChain = (maxWireFrame + layout.BufferSize - 1) / layout.BufferSize;
        _refillThreshold = Math.Min(RefillBurst, _ring.Size / 4);
    }

    /// <summary>Empty M2S slots it takes before buffers are posted again: fewer stay with us, unposted, until then.</summary>
    public int RefillThreshold => _refillThreshold;

    /// <summary>The ring (for initialisation, interrupt masking and tests).</summary>
    public RingView Ring => _ring;

    /// <summary>Frames delivered to the application.</summary>
    public long Frames { get; private set; }

    /// <summary>Bytes delivered to the application (without CRC).</summary>
    public long Bytes { get; private set; }

    /// <summary>Frames dropped because a descriptor was invalid or the chain too long.</summary>
    public long DroppedInvalid { get; private set; }

    /// <summary>Times the agent's tail claimed more descriptors than we had posted.</summary>
    public long TailViolations { get; private set; }

    /// <summary>
    /// True when a frame is waiting (or a bad one that the next read discards). When the queue is
    /// empty it first harvests the ring itself, as <see cref="TryRecv"/> does.
    /// </summary>
    public bool HasFrame
    {
        get
        {
            if (_received.Count > 0) return true;
            _readerGuard.Enter(); // the guard keeps a retiring region mapped while we harvest
            try { return !_retired && Assist(); }
            finally { _readerGuard.Exit(); }
        }
    }

    /// <summary>Times a reader harvested frames itself; the worker stays out of a polling reader's way while this grows.</summary>
    public long Assists => Volatile.Read(ref _assists);

    /// <summary>Descriptors harvested and not yet read by the application (a chained frame has several).</summary>
    public int Queued => _received.Count;

    /// <summary>
    /// Frames harvested and not yet read by the application: what a disconnect loses. A chained
    /// frame counts once (its chain ends as <see cref="TryRecv"/> would end it). Call after
    /// <see cref="Retire"/>: no reader moves the queue any more.
    /// </summary>
    public int QueuedFrames
    {
        get
        {
            int frames = 0, chain = 0;
            for (int i = 0; _received.TryPeek(i, out ulong e); i++)
            {
                chain++;
                if (!ReceivedEntry.Next(e) || chain >= _maxChain) { frames++; chain = 0; }
            }
            return chain > 0 ? frames + 1 : frames; // a chain still being harvested is a frame too
        }
    }

    /// <summary>Set by the worker before it sleeps short of buffers: readers then wake it.</summary>
    public bool WorkerWantsBuffers
    {
        get => Volatile.Read(ref _workerWantsBuffers) != 0;
        set => Volatile.Write(ref _workerWantsBuffers, value ? 1 : 0);
    }

    /// <summary>Posted buffers the agent has not returned yet (a snapshot; exact under the worker guard).</summary>
    public int Outstanding => (ushort)(_head - _lastTail);

    /// <summary>
    /// The worker half, by whoever gets there first: harvests what the agent released and posts
    /// free buffers. Returns the work done (0 also when another thread is at it), or -1 when the
    /// agent's tail is impossible (nothing is processed); <paramref name="harvested"/> = descriptors taken.
    /// </summary>
    public int Work(out int harvested)
    {
        harvested = 0;
        if (!_workerGuard.TryEnter()) return 0;
        try
        {
            harvested = Harvest();
            if (harvested < 0) return -1;
            // Post buffers a burst at a time: one head store (and one cache line handed to the
            // agent) per burst, not per frame when a fast reader takes frames one by one.
            return harvested + (_ring.Size - Outstanding >= _refillThreshold ? Refill() : 0);
        }
        finally
        {
            _workerGuard.Exit();
        }
    }

    /// <summary>Reader, under the reader guard: harvests the ring itself; true when that queued something.</summary>
    private bool Assist()
    {
        _takenSinceWork = 0;
        if (Work(out int harvested) <= 0 || harvested == 0) return false;
        Volatile.Write(ref _assists, _assists + 1); // readers are serialised by their guard: one writer
        return true;
    }

    /// <summary>
    /// Under the worker guard: moves every descriptor the agent released into the received queue.
    /// Returns the number harvested, or -1 when the agent's tail is impossible (nothing is processed).
    /// </summary>
    private int Harvest() => Harvest(Volatile.Read(ref _ring.Tail)); // acquire: the agent's descriptor and buffer writes are visible

    /// <summary>As <see cref="Harvest()"/>, up to a <paramref name="tail"/> already read (with acquire).</summary>
    private int Harvest(ushort tail)
    {
        int ready = Ready(tail);
        if (ready <= 0) return ready;
        for (int i = 0; i < ready; i++)
        {
            ushort index = (ushort)(_lastTail + i);
            RingDescriptor d = _ring.Descriptor(index); // one copy of the shared descriptor, then only the copy
            bool bad = Invalid(d.Length);
            bool next = (d.Flags & DescriptorLayout.FlagNext) != 0;
            int buffer = _postedBuffer[index & _ring.Mask];
            // Start fetching the frame's first line from the agent's cache now: the copy out comes
            // later, and would otherwise wait for each frame's miss in turn. Our own buffer's
            // address, never one the agent wrote.
            if (Sse.IsSupported) Sse.Prefetch0(BufferAt(buffer));
            // Cannot fail: the queue holds every pool buffer.
            _received.TryEnqueue(ReceivedEntry.Pack(buffer, d.Length, next, bad));
        }
        _lastTail = tail;
        return ready;
    }

    /// <summary>
    /// Under both guards, with the received queue empty: copies frames straight from the buffers
    /// the agent filled into <paramref name="destinations"/>, as DPDK's rx_burst does, without
    /// passing their descriptors through the queue first (an enqueue and three peeks a frame; the
    /// harvest was 14 % of our tenant's samples in a profile of the 64-byte echo). Stops at a chained frame or
    /// one that does not fit: those, and the frames after them, are harvested into the queue for
    /// <see cref="NextFrame"/>, which handles every case; frames beyond <paramref name="count"/>
    /// stay on the ring for the next call. Reposts buffers as
    /// <see cref="Work"/> does. Returns the frames received, or -1 when the agent's tail is impossible.
    /// </summary>
    private int ReceiveOffRing(ReadOnlySpan<Memory<byte>> destinations, Span<int> lengths, int count)
    {
        ushort tail = Volatile.Read(ref _ring.Tail); // acquire: the agent's descriptor and buffer writes are visible
        int ready = Ready(tail);
        if (ready <= 0) return ready;
        // Start every frame's first line on its way from the agent's cache before the first copy
        // waits for one (our own buffer addresses, never what the agent wrote).
        if (Sse.IsSupported)
            for (int i = 0, n = Math.Min(ready, count); i < n; i++)
                Sse.Prefetch0(BufferAt(_postedBuffer[(_lastTail + i) & _ring.Mask]));
        int received = 0;
        while (received < count && _lastTail != tail)
        {
            RingDescriptor d = _ring.Descriptor(_lastTail); // one copy of the shared descriptor, then only the copy
            if ((d.Flags & DescriptorLayout.FlagNext) != 0) break; // a chain: the queue's path
            int buffer = _postedBuffer[_lastTail & _ring.Mask];
            bool bad = Invalid(d.Length);
            int wireLength = (int)d.Length;
            var destination = destinations[received].Span;
            if (!bad && destination.Length < wireLength + Crc.Length) break; // EMSGSIZE, from the queue's path
            _lastTail++;
            if (bad) DroppedInvalid++;
            else
            {
                new ReadOnlySpan<byte>(BufferAt(buffer), wireLength).CopyTo(destination);
                lengths[received++] = Delivered(destination, wireLength);
            }
            _free.TryEnqueue((ulong)buffer); // cannot fail: sized for the whole pool
        }
        // Stopped short at a chain or a frame too large: it and what follows go to the queue's path,
        // up to the tail read above. A burst that was filled leaves the rest on the ring for the
        // next call, as DPDK's rx_burst does: harvested, a flood's backlog (hundreds of frames)
        // went through the queue's slower path, and each call took only one burst off the ring.
        if (received < count && _lastTail != tail) Harvest(tail);
        if (_ring.Size - Outstanding >= _refillThreshold) Refill();
        return received;
    }

    /// <summary>Under the worker guard: posts free buffers into every empty M2S slot. Returns how many.</summary>
    private int Refill()
    {
        int room = _ring.Size - Outstanding;
        int posted = 0;
        while (posted < room && _free.TryDequeue(out ulong buffer))
        {
            ushort index = (ushort)(_head + posted);
            // Flags 0: clears any NEXT the agent left (notes §3.5).
            RingDescriptor.Write(ref _ring.Descriptor(index), 0, (uint)_layout.BufferSize, (uint)_layout.ReceiveBufferOffset((int)buffer));
            _postedBuffer[index & _ring.Mask] = (int)buffer;
            posted++;
        }
        if (posted > 0)
        {
            _head = (ushort)(_head + posted);
            Volatile.Write(ref _ring.Head, _head); // release: descriptors before the index
        }
        return posted;
    }

    /// <summary>Stops all further reads and waits out one in progress (see <see cref="TenantTransmitter.Retire"/>).</summary>
    public void Retire()
    {
        _readerGuard.Enter();
        _retired = true;
        _readerGuard.Exit();
    }

    /// <summary>
    /// Reader: copies the next whole frame into <paramref name="destination"/> followed by 4 zero
    /// CRC bytes. Returns 0 with <paramref name="length"/> = bytes written; EWOULDBLOCK when no
    /// whole frame is queued; EMSGSIZE when the buffer is too small (the frame stays queued and
    /// <paramref name="length"/> says how much room it needs).
    /// </summary>
    public int TryRecv(Span<byte> destination, out int length)
    {
        _readerGuard.Enter();
        try
        {
            if (_retired) { length = 0; return Errno.ENOTCONN; }
            bool assisted = false;
            int status = NextFrame(destination, ref assisted, out length);
            if (status == 0) Taken(1);
            return status;
        }
        finally
        {
            _readerGuard.Exit();
        }
    }

    /// <summary>
    /// Reader: copies frames, as <see cref="TryRecv"/> does, into <paramref name="destinations"/> in
    /// order, their lengths into <paramref name="lengths"/>, until the queue is empty or one does not
    /// fit: one guard and one look at the ring for the whole burst (DPDK's rx_burst). When nothing is
    /// queued and the worker is not at the ring, the frames come straight off it (<see cref="ReceiveOffRing"/>). Returns how many
    /// were received, at most the shorter span's length; <paramref name="status"/> is 0 when all were,
    /// else why the next one was not (EWOULDBLOCK: none queued; EMSGSIZE: it stays queued and its
    /// length entry says how much room it needs; ENOTCONN: retired).
    /// </summary>
    public int TryRecvBurst(ReadOnlySpan<Memory<byte>> destinations, Span<int> lengths, out int status)
    {
        int count = Math.Min(destinations.Length, lengths.Length), received = 0;
        status = 0;
        _readerGuard.Enter();
        try
        {
            if (_retired) { status = Errno.ENOTCONN; return 0; }
            bool assisted = false;
            if (_received.Count == 0 && _workerGuard.TryEnter())
            {
                try { received = ReceiveOffRing(destinations, lengths, count); }
                finally { _workerGuard.Exit(); }
                if (received < 0) { status = Errno.EWOULDBLOCK; return 0; } // an impossible tail: the worker reports it
                assisted = true; // the tail was looked at: once per call
                if (received > 0) { _takenSinceWork = 0; Volatile.Write(ref _assists, _assists + 1); }
            }
            for (; received < count; received++)
            {
                status = NextFrame(destinations[received].Span, ref assisted, out lengths[received]);
                if (status != 0) break;
            }
            if (received > 0) Taken(received);
        }
        finally
        {
            _readerGuard.Exit();
        }
        return received;
    }

    /// <summary>
    /// Under the reader guard: delivers the next whole frame (discarding bad ones on the way), harvesting
    /// the ring itself once per call when the queue runs dry (a partial chain waits for the rest).
    /// </summary>
    private int NextFrame(Span<byte> destination, ref bool assisted, out int length)
    {
        while (true)
        {
            int status = MeasureFrame(out int entries, out int wireLength, out bool bad);
            if (status == Errno.EWOULDBLOCK && !assisted)
            {
                assisted = true;
                if (Assist()) continue;
            }
            if (status != 0) { length = 0; return status; }
            if (bad)
            {
                Release(entries);
                DroppedInvalid++;
                continue;
            }
            length = wireLength + Crc.Length;
            if (destination.Length < length) return Errno.EMSGSIZE;
            CopyOut(entries, destination);
            Release(entries);
            Delivered(destination, wireLength);
            return 0;
        }
    }

    /// <summary>
    /// Under the reader guard, after <paramref name="frames"/> were taken: every refill's worth, the
    /// reader harvests and reposts itself, as DPDK's rx_burst does on every call. Without it, a reader
    /// working through frames the worker queued earlier gave nothing back until the queue ran dry,
    /// while the worker napped out of its way: the agent found the ring full and dropped (the actor
    /// sample lost up to 448 of 1600 echoes that way). Not when the queue is empty: the next read
    /// harvests then anyway, and a second look at the agent's tail per burst would be one more cache miss.
    /// </summary>
    private void Taken(int frames)
    {
        _takenSinceWork += frames;
        if (_takenSinceWork >= _refillThreshold && _received.Count > 0) Assist();
        WakeWorkerShortOfBuffers();
    }

    /// <summary>
    /// Under the reader guard (so the wake fd is still open), after frames were taken: wakes a worker
    /// that sleeps short of buffers. Once per sleep, not per frame: the exchange makes this reader the one that signals.
    /// </summary>
    private void WakeWorkerShortOfBuffers()
    {
        if (Volatile.Read(ref _workerWantsBuffers) != 0 && Interlocked.Exchange(ref _workerWantsBuffers, 0) != 0) _workerWake.Signal();
    }

    /// <summary>Finds the extent of the next frame in the received queue.</summary>
    private int MeasureFrame(out int entries, out int wireLength, out bool bad)
    {
        entries = 0;
        wireLength = 0;
        bad = false;
        while (true)
        {
            if (!_received.TryPeek(entries, out ulong e)) return Errno.EWOULDBLOCK; // frame not complete yet
            entries++;
            wireLength += ReceivedEntry.Length(e);
            bad |= ReceivedEntry.Bad(e);
            if (!ReceivedEntry.Next(e)) return 0;
            if (entries >= _maxChain) { bad = true; return 0; } // chain longer than any frame we accept
        }
    }

    /// <summary>Under the worker guard: descriptors the agent's <paramref name="tail"/> releases, or -1 (counted) when it claims more than we posted.</summary>
    private int Ready(ushort tail)
    {
        int ready = (ushort)(tail - _lastTail);
        if (ready <= Outstanding) return ready;
        TailViolations++;
        return -1;
    }

    /// <summary>A descriptor length no buffer we posted can hold: the frame is dropped (the agent's word is untrusted).</summary>
    private bool Invalid(uint length) => length == 0 || length > (uint)_layout.BufferSize;

    /// <summary>Where receive-pool buffer <paramref name="buffer"/> is mapped (our own index, never an offset the agent wrote).</summary>
    private byte* BufferAt(int buffer) => _regionBase + _layout.ReceiveBufferOffset(buffer);

    /// <summary>After a frame's bytes were copied: its 4 zero CRC bytes and the counters. Returns the length the caller gets.</summary>
    private int Delivered(Span<byte> destination, int wireLength)
    {
        destination.Slice(wireLength, Crc.Length).Clear();
        Frames++;
        Bytes += wireLength;
        return wireLength + Crc.Length;
    }

    private void CopyOut(int entries, Span<byte> destination)
    {
        int pos = 0;
        for (int i = 0; i < entries; i++)
        {
            _received.TryPeek(i, out ulong e);
            int len = ReceivedEntry.Length(e);
            new ReadOnlySpan<byte>(BufferAt(ReceivedEntry.Buffer(e)), len)
                .CopyTo(destination.Slice(pos, len));
            pos += len;
        }
    }

    /// <summary>Returns the buffers of the first <paramref name="entries"/> queued entries to the free list.</summary>
    private void Release(int entries)
    {
        for (int i = 0; i < entries; i++)
        {
            _received.TryPeek(i, out ulong e);
            _free.TryEnqueue((ulong)ReceivedEntry.Buffer(e)); // cannot fail: sized for the whole pool
        }
        _received.Advance(entries);
    }
}
