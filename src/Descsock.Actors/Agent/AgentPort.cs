using Descsock.Native;
using Descsock.Rings;
using Descsock.Wire;
namespace Descsock.Agent;

/// <summary>
/// One tenant's rings as the agent drives them: receives from the S2M ring (the tenant's
/// transmit) and transmits into buffers the tenant posted on the M2S ring. Everything in shared
/// memory is untrusted: counts are clamped to the ring, each descriptor is copied once and the
/// copy checked (region, 64-bit offset + length, 0 &lt; length, chain length, frame size) before
/// any byte is touched, in both directions (security rules 7, 8). Thread-safety: the forwarding
/// plane's thread only.
/// </summary>
public sealed unsafe class AgentPort
{
    /// <summary>Descriptors one frame may chain at most (in either direction); a longer chain is an invalid frame.</summary>
    internal const int MaxSegments = 256;

    /// <summary>
    /// Transmissions become visible to the tenant every this many slots, not only at the round's
    /// <see cref="Flush"/>: the tenant takes the first frames (and, echoing, sends again) while
    /// the rest are still being copied, so both sides work at once instead of in turns. Measured
    /// with 32 frames in flight through the echo service: 64-byte echo from about 7 to 11–15 Mpps;
    /// 4 and 16 did no better than 8.
    /// </summary>
    internal const int PublishEvery = 8;
    private readonly TenantConnection _c;
    private readonly RingView _s2m;
    private readonly RingView _m2s;
    private readonly EventFd _m2sDoorbell;
    private readonly int _maxFrame;
    private readonly Segment[] _segments = new Segment[MaxSegments];
    private readonly Segment[] _targets = new Segment[MaxSegments];
    private ushort _s2mHead;     // snapshot of the tenant's head for this round
    private ushort _s2mCursor;   // next S2M slot to read
    private ushort _m2sTail;     // our M2S tail (published at flush)
    private ushort _m2sVisible;  // the tail the tenant can see (stored by Publish)
    private ushort _m2sFlushed;  // the tail the last Flush considered a doorbell for
    private ushort _m2sHeadSeen; // the tenant's M2S head when we last looked (checked then)

    /// <summary>Binds to a connection whose regions are mapped.</summary>
    public AgentPort(TenantConnection connection, ServiceCounters counters, int maxFrame)
    {
        _c = connection;
        Counters = counters;
        _maxFrame = maxFrame;
        _s2m = connection.View(connection.S2M!.Value.Ring);
        _m2s = connection.View(connection.M2S!.Value.Ring);
        _m2sDoorbell = connection.M2S!.Value.Doorbell;
        _s2mCursor = Volatile.Read(ref _s2m.Tail);
        _m2sTail = _m2sVisible = _m2sFlushed = _m2sHeadSeen = Volatile.Read(ref _m2s.Tail);
        Volatile.Write(ref _s2m.Flags, RingLayout.FlagMaskInterrupt); // we poll; no doorbells while busy
    }

    /// <summary>The tenant's connection.</summary>
    public TenantConnection Connection => _c;
    /// <summary>The tenant's service.</summary>
    public ServiceSettings Service => _c.Service!;
    /// <summary>Counters of the tenant's service.</summary>
    public ServiceCounters Counters { get; }
    /// <summary>The doorbell the tenant rings when we sleep.</summary>
    public EventFd ReceiveDoorbell => _c.S2M!.Value.Doorbell;
    /// <summary>Protocol violations (impossible indices, invalid frames) so far.</summary>
    public int Violations { get; private set; }
    /// <summary>True once the tenant corrupted a ring index: expelled at once.</summary>
    public bool Broken { get; private set; }
    /// <summary>Why the last violation happened.</summary>
    public string LastViolation { get; private set; } = "";

    /// <summary>After a sleep: clears the tenant's doorbell, or expels a tenant that made it blocking (rule 10).</summary>
    public void DrainDoorbell()
    {
        if (!ReceiveDoorbell.DrainUntrusted()) Violation("the S2M interrupt eventfd was switched to blocking mode", fatal: true);
    }

    /// <summary>Asks the tenant for a doorbell before the plane sleeps (or, false, tells it we poll again).</summary>
    public void WantInterrupts(bool want) => Volatile.Write(ref _s2m.Flags, want ? (ushort)0 : RingLayout.FlagMaskInterrupt);

    /// <summary>Snapshots the tenant's S2M head; returns descriptors ready, or -1 if the head is impossible.</summary>
    public int BeginReceive()
    {
        ushort head = Volatile.Read(ref _s2m.Head); // acquire: descriptors and bytes before it are visible
        int ready = (ushort)(head - _s2mCursor);
        if (ready > _s2m.Size)
        {
            Violation($"S2M head moved {ready} slots on a {_s2m.Size}-slot ring", fatal: true);
            _s2mHead = _s2mCursor;
            return -1;
        }
        _s2mHead = head;
        return ready;
    }

    /// <summary>
    /// Takes the next frame: copies its first bytes into <paramref name="header"/> (a private copy
    /// for forwarding decisions, rule 9) and returns its validated segments; false when none is
    /// left this round. Invalid frames are consumed, counted and skipped.
    /// </summary>
    public bool TryNextFrame(Span<byte> header, out ReadOnlySpan<Segment> segments, out int length)
    {
        while (_s2mCursor != _s2mHead)
        {
            int count = 0;
            length = 0;
            string? error = null;
            while (true)
            {
                if (_s2mCursor == _s2mHead) { error ??= "chained frame runs past the published head"; break; }
                ref RingDescriptor shared = ref _s2m.Descriptor(_s2mCursor);
                RingDescriptor d = shared; // one copy; only the copy is checked and used
                // Clear before the slot is returned (DPDK's stale NEXT, notes §3.5); only when set,
                // so a single-buffer frame costs no store into the tenant's descriptor line.
                if (d.Flags != 0) shared.Flags = 0;
                _s2mCursor++;
                if (error is null)
                {
                    if (d.Region >= _c.Regions.Count) error = $"descriptor names region {d.Region}";
                    else if (d.Length == 0 || !_c.Regions[d.Region].Contains(d.Offset, d.Length)) error = $"descriptor [{d.Offset}+{d.Length}] outside region {d.Region}";
                    else if (count == MaxSegments || length + (long)d.Length > _maxFrame) error = "frame too long";
                    else
                    {
                        _segments[count++] = new Segment(_c.Regions[d.Region].Base + d.Offset, (int)d.Length);
                        length += (int)d.Length;
                    }
                }
                if ((d.Flags & DescriptorLayout.FlagNext) == 0) break;
            }
            if (error is null && length < 14) error = $"{length}-byte frame is shorter than an Ethernet header";
            if (error is not null)
            {
                Counters.DropsInvalid++;
                Violation(error);
                continue;
            }
            CopyHeader(header, count);
            segments = new ReadOnlySpan<Segment>(_segments, 0, count);
            Counters.FramesIn++;
            Counters.BytesIn += length;
            return true;
        }
        segments = default;
        length = 0;
        return false;
    }

    /// <summary>Returns every consumed S2M slot to the tenant (release store of tail).</summary>
    public void EndReceive() => Volatile.Write(ref _s2m.Tail, _s2mCursor);

    /// <summary>
    /// Copies a frame into the buffers the tenant posted on M2S, chaining as needed; with
    /// <paramref name="swapMacs"/> the destination and source MAC are exchanged on the way. False
    /// (and counted as a drop, unless <paramref name="countNoRoom"/> is false: a generator that
    /// waits for room loses nothing) when the tenant has not posted room. Published every <see cref="PublishEvery"/> slots and at <see cref="Flush"/>.
    /// </summary>
    public bool Transmit(ReadOnlySpan<Segment> frame, int length, bool swapMacs, bool countNoRoom = true)
    {
        // Pass 1: copy and check every posted buffer the frame needs; nothing is written unless all fit.
        Span<Segment> targets = _targets; // a field: no per-frame zeroing
        int posted = (ushort)(_m2sHeadSeen - _m2sTail);
        bool looked = false;
        int needed = 0;
        for (long capacity = 0; capacity < length; needed++)
        {
            if (needed == posted && !looked)
            {
                looked = true; // at most once a frame: when the room last seen is used up
                if (!LookAtM2SHead(out posted)) return false;
            }
            if (needed == posted || needed == MaxSegments)
            {
                if (countNoRoom) Counters.DropsNoRoom++;
                return false;
            }
            RingDescriptor d = _m2s.Descriptor((ushort)(_m2sTail + needed)); // one copy of the posted descriptor
            if (d.Region >= _c.Regions.Count || d.Length == 0 || !_c.Regions[d.Region].Contains(d.Offset, d.Length))
            {
                Counters.DropsInvalid++;
                Violation($"posted M2S buffer [{d.Offset}+{d.Length}] outside region {d.Region}");
                return false;
            }
            int room = (int)Math.Min(d.Length, (uint)(length - capacity));
            targets[needed] = new Segment(_c.Regions[d.Region].Base + d.Offset, room);
            capacity += room;
        }
        // Pass 2: copy the frame (the one copy), then each descriptor's length and flags.
        int seg = 0, segOffset = 0;
        for (int t = 0; t < needed; t++)
        {
            for (int written = 0; written < targets[t].Length;)
            {
                int n = Math.Min(targets[t].Length - written, frame[seg].Length - segOffset);
                new ReadOnlySpan<byte>(frame[seg].Data + segOffset, n).CopyTo(new Span<byte>(targets[t].Data + written, n));
                written += n;
                segOffset += n;
                if (segOffset == frame[seg].Length) { seg++; segOffset = 0; }
            }
            ref RingDescriptor shared = ref _m2s.Descriptor((ushort)(_m2sTail + t));
            shared.Length = (uint)targets[t].Length;
            shared.Flags = t + 1 < needed ? DescriptorLayout.FlagNext : (ushort)0; // assign, never OR
        }
        if (swapMacs && targets[0].Length >= 12) SwapMacs(targets[0].Data);
        _m2sTail = (ushort)(_m2sTail + needed);
        if ((ushort)(_m2sTail - _m2sVisible) >= PublishEvery) Publish(); // the doorbell, if any, at the round's Flush
        Counters.FramesOut++;
        Counters.BytesOut += length;
        return true;
    }

    /// <summary>
    /// Reads the tenant's M2S head: false (the port broken) when it claims more slots than the ring
    /// has. Only when the room last seen is used up, never once a frame: DPDK's receive stores its
    /// head on every poll, changed or not, so that cache line is always the tenant's, and reading it
    /// for each frame cost a cache miss for each frame.
    /// </summary>
    private bool LookAtM2SHead(out int posted)
    {
        ushort head = Volatile.Read(ref _m2s.Head); // acquire: the tenant's posted descriptors are visible
        posted = (ushort)(head - _m2sTail);
        if (posted > _m2s.Size)
        {
            Counters.DropsInvalid++; // the frame is lost to the tenant's bad index: count it, or In ≠ Out + Drops
            Violation($"M2S head moved {posted} slots on a {_m2s.Size}-slot ring", fatal: true);
            return false;
        }
        _m2sHeadSeen = head;
        return true;
    }

    /// <summary>
    /// Makes the frames transmitted so far visible to the tenant (release store of tail), without
    /// a doorbell: within a round (<see cref="PublishEvery"/>). The round's <see cref="Flush"/> still rings for them.
    /// </summary>
    private void Publish()
    {
        if (_m2sTail == _m2sVisible) return;
        Volatile.Write(ref _m2s.Tail, _m2sTail); // release: data and descriptors before the index
        _m2sVisible = _m2sTail;
    }

    /// <summary>Publishes transmitted frames and rings the tenant's doorbell if it sleeps, once per burst.</summary>
    public void Flush()
    {
        if (_m2sTail == _m2sFlushed) return; // nothing new since the last flush (what Publish showed is new)
        Publish();
        _m2sFlushed = _m2sTail;
        Interlocked.MemoryBarrier(); // the tail store must be visible before we read the tenant's flag
        if ((Volatile.Read(ref _m2s.Flags) & RingLayout.FlagMaskInterrupt) == 0 && !_m2sDoorbell.SignalUntrusted())
            Violation("the M2S interrupt eventfd was switched to blocking mode", fatal: true); // rule 10: never block the plane
    }

    private static void SwapMacs(byte* frame)
    {
        Span<byte> tmp = stackalloc byte[6];
        var f = new Span<byte>(frame, 12);
        f[..6].CopyTo(tmp);
        f[6..12].CopyTo(f[..6]);
        tmp.CopyTo(f[6..12]);
    }

    private void CopyHeader(Span<byte> header, int count)
    {
        int copied = 0;
        for (int i = 0; i < count && copied < header.Length; i++)
        {
            int n = Math.Min(header.Length - copied, _segments[i].Length);
            new ReadOnlySpan<byte>(_segments[i].Data, n).CopyTo(header[copied..]);
            copied += n;
        }
    }

    /// <summary>
    /// Counts a violation. A fatal one (an index no correct peer can produce) marks the port
    /// <see cref="Broken"/>: the plane expels it at the end of the round instead of waiting for
    /// the allowance of invalid frames, which exists for frames, not for corrupted rings.
    /// </summary>
    private void Violation(string why, bool fatal = false)
    {
        Violations++;
        if (fatal) Broken = true;
        LastViolation = why;
    }
}
