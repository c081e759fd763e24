using Descsock.Host.Peers;
namespace Descsock.Host.Bench;

/// <summary>
/// Starts the two sides of a pair for one measurement: dpdk-testpmd as server or client (pinned
/// with <c>--lcores</c>), our agent (pinned with <c>taskset</c>), and the in-process C# tenant
/// (pinned with the whole benchmark process). Geometry is the same everywhere: 1024-slot rings,
/// 2048-byte buffers, testpmd's defaults.
/// </summary>
internal sealed class BenchPeers(BenchSettings settings, string workDirectory)
{
    private int _sequence;

    /// <summary>The settings of this benchmark.</summary>
    public BenchSettings Settings => settings;

    /// <summary>dpdk-testpmd role=server on the agent's CPU, forwarding in <paramref name="mode"/>.</summary>
    public Task<TestPmd> DpdkServerAsync(string mode, int? txSize = null, string? extra = null) =>
        TestPmd.StartAsync(new TestPmdOptions
        {
            Role = "server", SocketPath = NewSocketPath(), Id = 0, ForwardMode = mode, Cpu = settings.AgentCpu,
            TxPackets = txSize?.ToString(), ExtraArgs = extra,
        });

    /// <summary>dpdk-testpmd role=client on the tenant's CPU, connecting to <paramref name="socket"/> as <paramref name="id"/>.</summary>
    public Task<TestPmd> DpdkClientAsync(string socket, uint id, string mode, int? txSize = null, string? extra = null) =>
        TestPmd.StartAsync(new TestPmdOptions
        {
            Role = "client", SocketPath = socket, Id = (int)id, ForwardMode = mode, Cpu = settings.TenantCpu,
            TxPackets = txSize?.ToString(), ExtraArgs = extra,
        });

    /// <summary>Our agent on the agent's CPU, with sources for the benchmark's sizes.</summary>
    public Task<BenchAgent> OurAgentAsync(CancellationToken cancel, int idleServices = 0) =>
        BenchAgent.StartAsync(settings.AgentCpu, settings.Sizes, idleServices, cancel);

    /// <summary>Our tenant (Descsock.Api) registered as <paramref name="id"/>, its region a sealed memfd as DPDK's.</summary>
    public static Task<DescsockSocket> OurTenantAsync(string socket, uint id, CancellationToken cancel) =>
        DescsockSocket.OpenAsync(new DescsockClientSpec { MasterSocketPath = socket, SvcId = id, Name = "descsock-bench", Reconnect = false },
            cancellationToken: cancel);

    private string NewSocketPath() => Path.Combine(workDirectory, $"testpmd{Interlocked.Increment(ref _sequence)}.sock");
}
