using Descsock.Memory;
using Descsock.Native;
using Descsock.Rings;
namespace Descsock.Client;

/// <summary>
/// Everything one registration with the agent owns: the region's backing file and mapping, the
/// two ring doorbells, and the transmit and receive halves over that memory. Created by the
/// supervisor when the agent's HELLO has fixed the geometry; disposed by the supervisor only
/// after the SEP actor has stopped and both halves are retired (security rule 11).
/// </summary>
public sealed unsafe class TenantResources : IDisposable
{
    private TenantResources(IRegionBacking backing, MemoryMapping mapping, TenantRegionLayout layout, int maxWireFrame)
    {
        Backing = backing;
        Mapping = mapping;
        Layout = layout;
        TransmitDoorbell = EventFd.Create();
        ReceiveDoorbell = EventFd.Create();
        WorkerWake = EventFd.Create();
        Transmitter = new TenantTransmitter(mapping.Base, layout, TransmitDoorbell, WorkerWake);
        Receiver = new TenantReceiver(mapping.Base, layout, maxWireFrame, WorkerWake);
        Transmitter.Ring.Initialize();
        Receiver.Ring.Initialize();
    }

    /// <summary>The file behind region 0.</summary>
    public IRegionBacking Backing { get; }
    /// <summary>Our mapping of region 0.</summary>
    public MemoryMapping Mapping { get; }
    /// <summary>Where rings and buffers sit.</summary>
    public TenantRegionLayout Layout { get; }
    /// <summary>S2M ring eventfd: we signal it when the agent sleeps.</summary>
    public EventFd TransmitDoorbell { get; }
    /// <summary>M2S ring eventfd: the agent signals it when we sleep.</summary>
    public EventFd ReceiveDoorbell { get; }
    /// <summary>
    /// Wakes the SEP worker from its sleep. Lives as long as the rings, and application threads
    /// signal it only under the ring guards, so it is never signalled after it is closed.
    /// </summary>
    public EventFd WorkerWake { get; }
    /// <summary>Transmit half.</summary>
    public TenantTransmitter Transmitter { get; }
    /// <summary>Receive half.</summary>
    public TenantReceiver Receiver { get; }

    /// <summary>Creates the region (at <paramref name="shmemPath"/>, or a sealed memfd when null) and the rings.</summary>
    public static TenantResources Create(string? shmemPath, TenantRegionLayout layout, int maxWireFrame, string name)
    {
        IRegionBacking backing = string.IsNullOrEmpty(shmemPath)
            ? MemfdRegionBacking.Create(name, layout.MinimumSize)
            : PathRegionBacking.Create(shmemPath, layout.MinimumSize);
        MemoryMapping? mapping = null;
        try
        {
            mapping = MemoryMapping.Map(backing.Descriptor, backing.Size);
            return new TenantResources(backing, mapping, layout, maxWireFrame);
        }
        catch
        {
            mapping?.Dispose();
            backing.Dispose();
            throw;
        }
    }

    /// <summary>Stops application threads from touching the region; they get ENOTCONN from now on.</summary>
    public void Retire()
    {
        Transmitter.Retire();
        Receiver.Retire();
    }

    /// <summary>Unmaps, closes and removes everything. Call only after <see cref="Retire"/> and after the SEP actor stopped.</summary>
    public void Dispose()
    {
        Retire();
        Mapping.Dispose();
        TransmitDoorbell.Dispose();
        ReceiveDoorbell.Dispose();
        WorkerWake.Dispose();
        Backing.Dispose();
    }
}
