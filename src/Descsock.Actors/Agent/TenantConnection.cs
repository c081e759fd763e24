using Descsock.Native;
using Descsock.Rings;
using Descsock.Wire;
namespace Descsock.Agent;

/// <summary>
/// What one tenant's handshake left the agent holding: its control socket, regions, ring
/// placements and doorbells. Owned by that tenant's session actor, which disposes it only after
/// the forwarding plane has acknowledged that it no longer polls these rings (security rule 11).
/// </summary>
public sealed unsafe class TenantConnection : IDisposable
{
    /// <summary>Starts empty; the handshake fills it.</summary>
    public TenantConnection(SeqPacketSocket control, PeerCredentials peer)
    {
        Control = control;
        Peer = peer;
    }

    /// <summary>The control socket.</summary>
    public SeqPacketSocket Control { get; }
    /// <summary>Who the tenant is, per the kernel.</summary>
    public PeerCredentials Peer { get; }
    /// <summary>The service, once INIT was accepted (its id is then reserved).</summary>
    public ServiceSettings? Service { get; set; }
    /// <summary>The tenant's name from INIT.</summary>
    public string Name { get; set; } = "";
    /// <summary>Regions in index order.</summary>
    public List<TenantRegion> Regions { get; } = new();
    /// <summary>The S2M ring (tenant transmit) as announced, and its doorbell.</summary>
    public (AddRingMessage Ring, EventFd Doorbell)? S2M { get; set; }
    /// <summary>The M2S ring (tenant receive) as announced, and its doorbell.</summary>
    public (AddRingMessage Ring, EventFd Doorbell)? M2S { get; set; }

    /// <summary>A view of a ring, once the regions are mapped.</summary>
    public RingView View(AddRingMessage ring) => new(Regions[ring.Region].Base + ring.Offset, ring.Log2RingSize);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in Regions) r.Dispose();
        Regions.Clear();
        S2M?.Doorbell.Dispose();
        M2S?.Doorbell.Dispose();
        Control.Dispose();
    }
}
