namespace Descsock.Memory;

/// <summary>
/// Where everything sits in the tenant's region 0. One region, rings first (as DPDK and VPP lay
/// it out, so any memif server accepts it), then buffers:
/// <code>
/// 0                      S2M ring (tenant transmit): 128-byte header + 16 × 2^log2 descriptors
/// RingBytes              M2S ring (tenant receive)
/// BufferBase (64-aligned) transmit buffers: one per S2M slot, slot i ↔ buffer i (never moves)
/// + TxBuffers × bsize    receive pool: ReceiveBuffers buffers, posted to M2S from a free list
/// </code>
/// The receive pool is larger than the M2S ring so the worker can keep the agent supplied with
/// empty buffers while received frames wait for the application (the seed's "buffering").
/// </summary>
public sealed record TenantRegionLayout
{
    /// <summary>Computes the layout for the negotiated ring size, buffer size and pool size.</summary>
    public TenantRegionLayout(int log2RingSize, int bufferSize, int receiveBuffers)
    {
        Log2RingSize = log2RingSize;
        RingSize = 1 << log2RingSize;
        BufferSize = bufferSize;
        ReceiveBuffers = receiveBuffers;
        RingBytes = Wire.RingLayout.RingBytes(log2RingSize);
        TransmitRingOffset = 0;
        ReceiveRingOffset = RingBytes;
        BufferBase = (2 * RingBytes + 63) & ~63L;
        ReceivePoolOffset = BufferBase + (long)RingSize * bufferSize;
        MinimumSize = ReceivePoolOffset + (long)receiveBuffers * bufferSize;
    }

    /// <summary>log2 of the ring size.</summary>
    public int Log2RingSize { get; }
    /// <summary>Descriptors per ring.</summary>
    public int RingSize { get; }
    /// <summary>Bytes per packet buffer.</summary>
    public int BufferSize { get; }
    /// <summary>Buffers in the receive pool.</summary>
    public int ReceiveBuffers { get; }
    /// <summary>Bytes of one ring (header and descriptors).</summary>
    public long RingBytes { get; }
    /// <summary>Offset of the S2M (tenant transmit) ring header.</summary>
    public long TransmitRingOffset { get; }
    /// <summary>Offset of the M2S (tenant receive) ring header.</summary>
    public long ReceiveRingOffset { get; }
    /// <summary>Offset of transmit buffer 0.</summary>
    public long BufferBase { get; }
    /// <summary>Offset of receive-pool buffer 0.</summary>
    public long ReceivePoolOffset { get; }
    /// <summary>Bytes the region needs at least (the backing may round up).</summary>
    public long MinimumSize { get; }

    /// <summary>Offset of the transmit buffer owned by S2M slot <paramref name="slot"/>.</summary>
    public long TransmitBufferOffset(int slot) => BufferBase + (long)slot * BufferSize;

    /// <summary>Offset of receive-pool buffer <paramref name="index"/>.</summary>
    public long ReceiveBufferOffset(int index) => ReceivePoolOffset + (long)index * BufferSize;
}
