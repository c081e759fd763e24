namespace Descsock.Host.Bench;

/// <summary>Which tenant/agent pair a benchmark row measures (issue #5's four pairs).</summary>
public enum BenchPair
{
    /// <summary>dpdk-testpmd role=client against dpdk-testpmd role=server: the reference row.</summary>
    Reference,
    /// <summary>C# tenant (Descsock.Api) against the C# agent.</summary>
    Ours,
    /// <summary>C# tenant against dpdk-testpmd role=server.</summary>
    OursVsDpdk,
    /// <summary>dpdk-testpmd role=client against the C# agent.</summary>
    DpdkVsOurs,
}

/// <summary>What a benchmark row measures.</summary>
public enum BenchWorkload
{
    /// <summary>One-way tenant → agent, pps and Gbit/s per frame size.</summary>
    TenantToAgent,
    /// <summary>One-way agent → tenant, pps and Gbit/s per frame size.</summary>
    AgentToTenant,
    /// <summary>Frames returned per second by an echoing agent.</summary>
    Echo,
    /// <summary>Round trip with one frame in flight: p50/p99/p99.9, busy-poll and idle.</summary>
    Latency,
    /// <summary>Bytes allocated per frame on the tenant's send and receive paths.</summary>
    Allocation,
    /// <summary>CPU use of many connected idle tenants.</summary>
    IdleTenants,
}

/// <summary>The options of <c>descsock bench</c>, as the command line binds them.</summary>
public sealed record BenchSettings
{
    /// <summary>Pairs to run (default: all four).</summary>
    public IReadOnlyList<BenchPair> Pairs { get; init; } = Enum.GetValues<BenchPair>();

    /// <summary>Workloads to run (default: all).</summary>
    public IReadOnlyList<BenchWorkload> Workloads { get; init; } = Enum.GetValues<BenchWorkload>();

    /// <summary>Frame sizes in bytes on the wire, without CRC (default 64, 512, 1500).</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [64, 512, 1500];

    /// <summary>Runs per figure; the table shows the median and min–max (default 3).</summary>
    public int Runs { get; init; } = 3;

    /// <summary>
    /// Times a rate run is taken again, on a new connection, when the machine's probes read its slow
    /// state before or after it (<see cref="MachineStateGate"/>), and a run waits for the fast state
    /// to start; 0 keeps every run as it comes (default 2).
    /// </summary>
    public int Retries { get; init; } = 2;

    /// <summary>Measured time of one run (default 2 s).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the JSON results go; null for none (default bench/results.json).</summary>
    public string? JsonPath { get; init; } = "bench/results.json";

    /// <summary>CPU the tenant side is pinned to (default 0).</summary>
    public int TenantCpu { get; init; } = 0;

    /// <summary>CPU the agent side is pinned to (default 1).</summary>
    public int AgentCpu { get; init; } = 1;

    /// <summary>Connected idle tenants for <see cref="BenchWorkload.IdleTenants"/> (default 256).</summary>
    public int IdleTenantCount { get; init; } = 256;
}
