namespace Descsock.Agent;

/// <summary>The agent's configuration (bound from <c>config/agent.json</c> by the host).</summary>
public sealed record AgentSettings
{
    /// <summary>The master socket file tenants connect to (mode 0660).</summary>
    public string SocketPath { get; init; } = "/run/descsock/agent.sock";

    /// <summary>
    /// The stream socket file the host serves per-service counters on (<c>descsock stats</c>);
    /// null means <see cref="SocketPath"/> followed by <see cref="StatsSuffix"/>.
    /// </summary>
    public string? StatsSocketPath { get; init; }

    /// <summary>What the stats socket's name adds to the master socket's when none is configured.</summary>
    public const string StatsSuffix = ".stats";

    /// <summary>
    /// The stats socket actually used. A method, not a property, so that configuration binding
    /// leaves it alone.
    /// </summary>
    public string ResolveStatsSocketPath() => string.IsNullOrEmpty(StatsSocketPath) ? SocketPath + StatsSuffix : StatsSocketPath;

    /// <summary>The services offered.</summary>
    public IReadOnlyList<ServiceSettings> Services { get; init; } = [];

    /// <summary>How long a tenant may take for each handshake step.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest region a tenant may declare (default 1 GiB).</summary>
    public long MaxRegionSize { get; init; } = 1L << 30;

    /// <summary>Regions a tenant may add (libmemif uses 2).</summary>
    public int MaxRegions { get; init; } = 4;

    /// <summary>Largest frame forwarded, without CRC.</summary>
    public int MaxFrame { get; init; } = 9216;

    /// <summary>
    /// Accept regions not sealed against shrinking from tenants running as the agent's own uid
    /// (the seed's <c>dma_shmem_path</c> on hugetlbfs cannot be sealed). Others must seal
    /// (security rule 5): a shrunk region would kill the agent with SIGBUS.
    /// </summary>
    public bool TrustUnsealedFromOwnUid { get; init; } = true;

    /// <summary>Connections still in their handshake at most; more are closed at once.</summary>
    public int MaxPendingHandshakes { get; init; } = 64;

    /// <summary>Invalid frames a tenant may send before it is disconnected.</summary>
    public int MaxInvalidFrames { get; init; } = 64;

    /// <summary>How often the host logs per-service counters (zero: never).</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a switch remembers where a MAC address was seen.</summary>
    public TimeSpan MacAgeing { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the forwarding plane polls after its last frame before it sleeps on the doorbells,
    /// at least. The poll window adapts between this and <see cref="IdleSpinMax"/>, as cpuidle's
    /// haltpoll governor does: traffic that wakes the plane within <see cref="IdleSpinMax"/> of its
    /// last frame doubles the window, longer silences halve it (see <see cref="Engine.SpinBudget"/>).
    /// </summary>
    public TimeSpan IdleSpinMin { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The longest the forwarding plane polls before it sleeps (equal to <see cref="IdleSpinMin"/>:
    /// a fixed window). While frames keep coming at least this often, the plane never sleeps and a
    /// frame never waits for a sleeping CPU to wake (64 µs at p50 on this project's VM); each such
    /// spell costs up to this much CPU once the traffic stops.
    /// </summary>
    public TimeSpan IdleSpinMax { get; init; } = TimeSpan.FromMilliseconds(10);
}
