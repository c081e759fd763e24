namespace Descsock.Agent;

/// <summary>
/// Per-service counters. Written only by the forwarding plane's thread; read by anyone (64-bit
/// reads are atomic on x86-64), so no locks and no interlocked operations on the data path.
/// </summary>
public sealed class ServiceCounters
{
    /// <summary>Frames and bytes (without CRC) received from tenants of the service.</summary>
    public long FramesIn, BytesIn;
    /// <summary>Frames and bytes delivered to tenants of the service.</summary>
    public long FramesOut, BytesOut;
    /// <summary>Frames dropped: invalid descriptors or frames from the tenant.</summary>
    public long DropsInvalid;
    /// <summary>Frames dropped: the destination tenant had posted no room.</summary>
    public long DropsNoRoom;
    /// <summary>Frames dropped by design (sink mode, or a switch with nowhere to send).</summary>
    public long DropsSink;

    /// <summary>All drops.</summary>
    public long Drops => DropsInvalid + DropsNoRoom + DropsSink;
}
