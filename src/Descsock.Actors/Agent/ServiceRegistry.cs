using Descsock.Interop;
using Descsock.Native;
using Descsock.Wire;
namespace Descsock.Agent;

/// <summary>
/// Which services exist and which are in use. A service id is reserved at INIT (so a second
/// tenant is refused with "Already connected" while the first is still handshaking or live) and
/// released when the first tenant's resources are gone. Thread-safe.
/// </summary>
public sealed class ServiceRegistry
{
    private readonly Dictionary<uint, (ServiceSettings Settings, MemifSecret Secret)> _services = new();
    private readonly HashSet<uint> _inUse = new();

    /// <summary>Builds the registry; duplicate ids are a configuration error.</summary>
    public ServiceRegistry(IEnumerable<ServiceSettings> services)
    {
        foreach (var s in services)
        {
            if (!_services.TryAdd(s.SvcId, (s, MemifSecret.FromString(s.Secret))))
                throw new DescsockException(Errno.EINVAL, $"service {s.SvcId} is configured twice");
        }
    }

    /// <summary>
    /// Reserves <paramref name="svcId"/> for a tenant <paramref name="peer"/> presenting
    /// <paramref name="secret"/>; null with the refusal reason (the DISCONNECT text) otherwise.
    /// </summary>
    public ServiceSettings? TryReserve(uint svcId, in MemifSecret secret, PeerCredentials peer, out string refusal)
    {
        refusal = "";
        if (!_services.TryGetValue(svcId, out var s)) { refusal = "unknown service id"; return null; }
        if (!s.Settings.Admits(peer.Uid, peer.Gid)) { refusal = $"Permission denied to uid {peer.Uid} gid {peer.Gid}"; return null; }
        if (!s.Secret.IsEmpty && secret.IsEmpty) { refusal = "Secret required"; return null; }
        // As DPDK: the secret is checked only when the service has one.
        if (!s.Secret.IsEmpty && !s.Secret.EqualsConstantTime(secret)) { refusal = "Incorrect secret"; return null; }
        lock (_inUse)
        {
            if (!_inUse.Add(svcId)) { refusal = "Already connected"; return null; }
        }
        return s.Settings;
    }

    /// <summary>Frees a reserved id.</summary>
    public void Release(uint svcId)
    {
        lock (_inUse) _inUse.Remove(svcId);
    }

    /// <summary>True while a tenant holds <paramref name="svcId"/>.</summary>
    public bool IsInUse(uint svcId)
    {
        lock (_inUse) return _inUse.Contains(svcId);
    }
}
