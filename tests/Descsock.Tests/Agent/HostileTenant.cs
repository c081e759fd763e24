using Descsock.Client;
using Descsock.Host.Ping;
using Descsock.Rings;
using Descsock.Wire;
namespace Descsock.Tests.Agent;

/// <summary>
/// A tenant that breaks the ring protocol on purpose: a real, connected <see cref="DescsockSocket"/>
/// (real handshake, real shared memory, the library's own SEP worker) whose rings the test writes
/// raw descriptors and indices into.
/// <para>Who writes what, so that the library's worker never fights the test over a ring:</para>
/// <list type="bullet">
/// <item>S2M (tenant transmit): the library's only producer is <see cref="TenantTransmitter.TrySend"/>,
/// which runs on the application's thread inside Send/TrySend; the SEP pump only reads this ring's
/// tail. This class never calls Send on its socket, so it is the ring's only producer and keeps its
/// own head. (The transmitter's private head stays 0, so the socket's POLLOUT is meaningless here.)</item>
/// <item>M2S (tenant receive): the pump posts buffers by advancing head and harvests the ones the
/// agent filled, up to the agent's tail. A posted slot at or past the agent's tail is outstanding:
/// the pump neither reads nor rewrites it, nor moves head, until the agent releases a slot. When the
/// ring is quiescent all but fewer than a refill's worth of slots are posted (the pool is twice the ring), so the pump has no reason to post and
/// writes nothing (<see cref="WaitForQuietM2SAsync"/> waits for that: right after a harvest the
/// pump is about to post and store head). Once it is quiet, the test may rewrite the posted descriptor at the agent's tail, or the
/// head itself, and put them back afterwards: the agent never releases a slot it refused.</item>
/// </list>
/// Receiving stays the library's: <see cref="TryReceive"/> returns what the agent delivered.
/// Thread-safety: one test thread.
/// </summary>
public sealed class HostileTenant : IDisposable
{
    private readonly TenantResources _resources;
    private readonly RingView _s2m;
    private readonly RingView _m2s;
    private ushort _s2mHead;

    private HostileTenant(DescsockSocket socket)
    {
        Socket = socket;
        _resources = socket.Endpoint.Resources ?? throw new InvalidOperationException("an open socket has rings");
        _s2m = _resources.Transmitter.Ring;
        _m2s = _resources.Receiver.Ring;
        _s2mHead = Volatile.Read(ref _s2m.Head);
    }

    /// <summary>The socket (for Poll, Recv and Close through the public API).</summary>
    public DescsockSocket Socket { get; }

    /// <summary>The size of region 0 as declared to the agent in ADD_REGION.</summary>
    public ulong RegionSize => (ulong)_resources.Backing.Size;

    /// <summary>Descriptors per ring.</summary>
    public int RingSize => _s2m.Size;

    /// <summary>The agent's S2M tail: how far it has consumed what we published.</summary>
    public ushort S2MTail => Volatile.Read(ref Live(_s2m).Tail);

    /// <summary>True once the socket reports POLLERR.</summary>
    public bool Disconnected => (Socket.Poll(DescsockPollEvents.In) & DescsockPollEvents.Err) != 0;

    /// <summary>Opens a tenant on <paramref name="svcId"/> of <paramref name="agent"/> (in this process or a real agent process).</summary>
    public static async Task<HostileTenant> OpenAsync(ITestAgent agent, uint svcId)
    {
        // No re-registration: once expelled, the test wants to see the disconnect, not a fresh start.
        var socket = await DescsockSocket.OpenAsync(agent.Spec(svcId) with { Reconnect = false });
        var tenant = new HostileTenant(socket);
        await tenant.WaitForQuietM2SAsync();
        return tenant;
    }

    /// <summary>A span over region 0 (what the agent maps).</summary>
    public unsafe Span<byte> Region(ulong offset, int length)
    {
        if (offset + (ulong)length > RegionSize) throw new ArgumentOutOfRangeException(nameof(offset));
        Live(_s2m);
        return new Span<byte>(_resources.Mapping.Base + offset, length);
    }

    /// <summary>
    /// Writes self-checking frame <paramref name="sequence"/> (<paramref name="wireLength"/> bytes,
    /// no CRC) into the transmit buffer of S2M slot <paramref name="index"/>; returns a valid descriptor for it.
    /// </summary>
    public RingDescriptor StageFrame(int index, ulong sequence, int wireLength = 64)
    {
        long offset = _resources.Layout.TransmitBufferOffset(index & _s2m.Mask);
        return StageFrameAt((ulong)offset, sequence, wireLength);
    }

    /// <summary>Writes frame <paramref name="sequence"/> at any <paramref name="offset"/> of region 0; returns its descriptor.</summary>
    public RingDescriptor StageFrameAt(ulong offset, ulong sequence, int wireLength = 64)
    {
        var frame = new byte[wireLength + Crc.Length];
        FramePattern.Write(frame, sequence, frame.Length);
        frame.AsSpan(0, wireLength).CopyTo(Region(offset, wireLength));
        return new RingDescriptor { Region = 0, Offset = (uint)offset, Length = (uint)wireLength };
    }

    /// <summary>
    /// Writes self-checking frame <paramref name="sequence"/> (<paramref name="wireLength"/> bytes, no
    /// CRC) contiguously from the transmit buffer of S2M slot <paramref name="bufferSlot"/> on (across
    /// the following slots' buffers), and puts it on S2M, unpublished, as a chain of
    /// <paramref name="segments"/> descriptors over consecutive pieces of it (NEXT on all but the last;
    /// pieces differ in length by at most one byte). The caller keeps the buffers of chains in flight apart.
    /// </summary>
    public void PutChain(int bufferSlot, ulong sequence, int wireLength, int segments)
    {
        var layout = _resources.Layout;
        Assert.True(segments <= wireLength && wireLength <= (long)(_s2m.Size - bufferSlot) * layout.BufferSize, "the chain does not fit the transmit buffers");
        ulong start = (ulong)layout.TransmitBufferOffset(bufferSlot);
        StageFrameAt(start, sequence, wireLength);
        int at = 0;
        for (int i = 0; i < segments; i++)
        {
            int length = wireLength / segments + (i < wireLength % segments ? 1 : 0);
            Put(new RingDescriptor
            {
                Region = 0, Offset = (uint)(start + (ulong)at), Length = (uint)length,
                Flags = i + 1 < segments ? DescriptorLayout.FlagNext : (ushort)0,
            });
            at += length;
        }
    }

    /// <summary>The S2M doorbell (the eventfd the tenant rings and the agent drains), shared with the agent.</summary>
    public int S2MDoorbell
    {
        get
        {
            Live(_s2m); // a closed eventfd's number may be someone else's by now
            return _resources.TransmitDoorbell.Descriptor.Value;
        }
    }

    /// <summary>The M2S doorbell (the eventfd the agent rings and the library's worker drains), shared with the agent.</summary>
    public int M2SDoorbell
    {
        get
        {
            Live(_m2s);
            return _resources.ReceiveDoorbell.Descriptor.Value;
        }
    }

    /// <summary>Puts <paramref name="d"/> in the next S2M slot without publishing it.</summary>
    public void Put(RingDescriptor d)
    {
        Assert.True((ushort)(_s2mHead - S2MTail) < _s2m.Size, "the S2M ring is full");
        Live(_s2m).Descriptor(_s2mHead) = d;
        _s2mHead++;
    }

    /// <summary>Publishes every descriptor put so far (release store of head) and rings the agent's doorbell if it sleeps.</summary>
    public void Publish() => SetS2MHead(_s2mHead);

    /// <summary>Puts <paramref name="d"/> on S2M and publishes it.</summary>
    public void Transmit(RingDescriptor d)
    {
        Put(d);
        Publish();
    }

    /// <summary>Transmits a valid 64-byte frame <paramref name="sequence"/> the proper way.</summary>
    public void SendFrame(ulong sequence, int wireLength = 64) => Transmit(StageFrame(_s2mHead, sequence, wireLength));

    /// <summary>Writes descriptor <paramref name="index"/> of S2M directly (no head change).</summary>
    public void WriteS2M(int index, RingDescriptor d) => Live(_s2m).Descriptor(index) = d;

    /// <summary>Stores any value as the S2M head (release: descriptors before the index) and rings the doorbell if asked.</summary>
    public void SetS2MHead(ushort head)
    {
        Volatile.Write(ref Live(_s2m).Head, head);
        Interlocked.MemoryBarrier(); // the head must be visible before we read the agent's flag
        if (_s2m.PeerWantsInterrupt) _resources.TransmitDoorbell.Signal();
    }

    /// <summary>The posted M2S descriptor the agent fills next (at its tail).</summary>
    public ref RingDescriptor NextPostedM2S => ref Live(_m2s).Descriptor(Volatile.Read(ref _m2s.Tail));

    /// <summary>The M2S head (normally the pump's; see the class comment for when the test may move it).</summary>
    public ushort M2SHead
    {
        get => Volatile.Read(ref Live(_m2s).Head);
        set => Volatile.Write(ref Live(_m2s).Head, value);
    }

    /// <summary>The agent's M2S tail.</summary>
    public ushort M2STail => Volatile.Read(ref Live(_m2s).Tail);

    /// <summary>
    /// Waits until the pump has re-posted the M2S slots it will (it posts when at least
    /// <see cref="TenantReceiver.RefillThreshold"/> are empty), so it will not touch the ring until
    /// the agent writes again.
    /// </summary>
    public async Task WaitForQuietM2SAsync()
    {
        int threshold = _resources.Receiver.RefillThreshold;
        bool Quiet() => _m2s.Size - (ushort)(M2SHead - M2STail) < threshold;
        for (int i = 0; i < 200 && !Quiet(); i++) await Task.Delay(10);
        Assert.True(Quiet(), $"the pump left {_m2s.Size - (ushort)(M2SHead - M2STail)} M2S slots empty");
    }

    /// <summary>The next frame the agent delivered (with its 4 CRC bytes), or null if none comes within <paramref name="timeout"/>.</summary>
    public byte[]? TryReceive(TimeSpan timeout)
    {
        var buffer = new byte[Socket.MaxFrameLength];
        if ((Socket.Wait(DescsockPollEvents.In, timeout) & DescsockPollEvents.In) == 0) return null;
        return Socket.TryRecv(buffer, out int length) ? buffer[..length] : null;
    }

    /// <summary>Receives the next frame and checks it is intact frame <paramref name="sequence"/> of <paramref name="wireLength"/> bytes.</summary>
    public void ExpectFrame(ulong sequence, int wireLength = 64)
    {
        var frame = TryReceive(TimeSpan.FromSeconds(5));
        Assert.NotNull(frame); // null: frame {sequence} did not come back
        Assert.Null(FramePattern.Verify(frame, out ulong got));
        Assert.Equal((sequence, wireLength + Crc.Length), (got, frame.Length));
    }

    /// <summary>Waits up to <paramref name="timeout"/> for POLLERR.</summary>
    public async Task<bool> WaitForDisconnectAsync(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!Disconnected && Environment.TickCount64 < deadline) await Task.Delay(5);
        return Disconnected;
    }

    /// <summary>
    /// Returns <paramref name="ring"/> after checking that the socket is still connected: once it is
    /// not, the library unmaps the region and a raw pointer would crash the test process.
    /// </summary>
    private RingView Live(in RingView ring)
    {
        Assert.False(Disconnected, "the tenant was disconnected: its rings may be unmapped already");
        return ring;
    }

    /// <inheritdoc />
    public void Dispose() => Socket.Dispose();
}
