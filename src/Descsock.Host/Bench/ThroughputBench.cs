using System.Diagnostics;
using Descsock.Host.Peers;
namespace Descsock.Host.Bench;

/// <summary>
/// The rate workloads: one-way tenant → agent and agent → tenant, and echo with
/// <see cref="TenantLoop.EchoWindow"/> frames in flight. Each run is one measurement window of
/// <see cref="BenchSettings.Duration"/> after a warm-up, on a new connection (the pairs take turns,
/// see <see cref="BenchCommand.Steps"/>); the rate is counted where the frames arrive (the
/// receiving side's counter), from timestamped samples.
/// <list type="table">
/// <item><term>tenant → agent</term><description>testpmd client <c>txonly</c> or our flood loop, into testpmd server <c>rxonly</c> or our agent's sink</description></item>
/// <item><term>agent → tenant</term><description>testpmd server <c>txonly</c> or our agent's source, into testpmd client <c>rxonly</c> or our drain loop</description></item>
/// <item><term>echo</term><description>testpmd client <c>io --tx-first</c> or our echo loop, through testpmd server <c>io</c> or our agent's echo</description></item>
/// </list>
/// </summary>
internal sealed class ThroughputBench(BenchPeers peers)
{
    /// <summary>
    /// Traffic before the first window: .NET compiles the data path quickly first and re-compiles
    /// it with profile-guided optimisation once it is hot, which takes a few seconds in a busy
    /// process (measured: about 5 s to reach the steady rate); testpmd needs a second.
    /// </summary>
    public static TimeSpan Warmup(BenchPair pair) => pair == BenchPair.Reference ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(6);

    /// <summary>
    /// One run of <paramref name="workload"/> over <paramref name="pair"/> at <paramref name="size"/> bytes:
    /// one window on a new connection, in frames per second, with the window's first and last
    /// sample (Stopwatch timestamps).
    /// </summary>
    public async Task<(double Rate, long From, long To)> MeasureRunAsync(BenchWorkload workload, BenchPair pair, int size, CancellationToken cancel)
    {
        var resources = new Stack<Func<ValueTask>>();
        try
        {
            Func<Task<(long, long)>> sampler = await StartAsync(workload, pair, size, resources, cancel);
            var windows = new List<(long, long)>(1);
            double rate = (await RatesAsync(sampler, Warmup(pair), 1, peers.Settings.Duration, cancel, windows))[0];
            return (rate, windows[0].Item1, windows[0].Item2);
        }
        finally
        {
            while (resources.TryPop(out var release)) await release();
        }
    }

    /// <summary>The figure for measured rates (frames per second), with Gbit/s of frame bytes (without CRC, as DPDK counts).</summary>
    public static BenchFigure Figure(BenchWorkload workload, BenchPair pair, int size, IReadOnlyList<double> rates) =>
        new(workload, pair, size, null, RateMetrics(size, rates)) { RatioMetric = "rate" };

    /// <summary>
    /// The figure for the runs <see cref="MachineStateGate"/> kept: their rates as above, the machine's
    /// probes around them, the runs taken again, and how many met <paramref name="bars"/>
    /// (<see cref="MachineStateGate.Bars"/>, the benchmark's last).
    /// </summary>
    public static BenchFigure Figure(BenchWorkload workload, BenchPair pair, int size, RateRuns runs, MachineBars bars) =>
        new(workload, pair, size, null,
        [
            .. RateMetrics(size, runs.Rates),
            new BenchMetric("core-to-core", "ns", runs.CoreToCore, HigherIsBetter: false),
            new BenchMetric("cross-core copy", "frames/s", runs.CopyRates),
            .. runs.InRunCoreToCore.Any(r => r.Length > 0)
                ? [new BenchMetric("in-run fast share", "%", runs.InRunFastShares(bars)), new BenchMetric("in-run core-to-core", "ns", runs.InRunMedians, HigherIsBetter: false)]
                : Array.Empty<BenchMetric>(),
            .. runs.SlowStateRates.Count > 0 ? [new BenchMetric("slow-state rate", "frames/s", runs.SlowStateRates)] : Array.Empty<BenchMetric>(),
        ]) { RatioMetric = "rate", Note = runs.Note(bars) };

    private static BenchMetric[] RateMetrics(int size, IReadOnlyList<double> rates) =>
    [
        new BenchMetric("rate", "frames/s", rates),
        new BenchMetric("throughput", "Gbit/s", rates.Select(r => r * size * 8 / 1e9).ToList()),
    ];

    private async Task<Func<Task<(long, long)>>> StartAsync(BenchWorkload workload, BenchPair pair, int size,
        Stack<Func<ValueTask>> resources, CancellationToken cancel)
    {
        bool dpdkAgent = pair is BenchPair.Reference or BenchPair.OursVsDpdk;
        bool dpdkTenant = pair is BenchPair.Reference or BenchPair.DpdkVsOurs;
        // The agent side first: a testpmd client connects once and never retries (memif notes §1.9).
        TestPmd? server = null;
        BenchAgent? agent = null;
        if (dpdkAgent)
        {
            string mode = workload switch { BenchWorkload.TenantToAgent => "rxonly", BenchWorkload.AgentToTenant => "txonly", _ => "io" };
            server = await peers.DpdkServerAsync(mode, workload == BenchWorkload.AgentToTenant ? size : null);
            resources.Push(server.DisposeAsync);
        }
        else
        {
            agent = await peers.OurAgentAsync(cancel);
            resources.Push(agent.DisposeAsync);
        }
        string socket = server?.SocketPath ?? agent!.SocketPath;
        uint id = dpdkAgent ? 0 : workload switch
        {
            BenchWorkload.TenantToAgent => BenchAgent.SinkId,
            BenchWorkload.AgentToTenant => BenchAgent.SourceId(size),
            _ => BenchAgent.EchoId,
        };
        if (dpdkTenant)
        {
            var client = workload switch
            {
                BenchWorkload.TenantToAgent => await peers.DpdkClientAsync(socket, id, "txonly", size),
                BenchWorkload.AgentToTenant => await peers.DpdkClientAsync(socket, id, "rxonly"),
                _ => await peers.DpdkClientAsync(socket, id, "io", size, "--tx-first"),
            };
            resources.Push(client.DisposeAsync);
            return workload == BenchWorkload.TenantToAgent ? AgentSideSampler() : DpdkSampler(client, rx: true);
        }
        var socketObject = await BenchPeers.OurTenantAsync(socket, id, cancel);
        resources.Push(socketObject.DisposeAsync);
        var loop = workload switch
        {
            BenchWorkload.TenantToAgent => TenantLoop.Flood(socketObject, size),
            BenchWorkload.AgentToTenant => TenantLoop.Drain(socketObject),
            _ => TenantLoop.Echo(socketObject, size),
        };
        resources.Push(() => { loop.Stop(); return ValueTask.CompletedTask; });
        if (workload == BenchWorkload.TenantToAgent) return AgentSideSampler();
        return () => { loop.ThrowIfFailed(); return Task.FromResult(loop.Sample()); };

        // Tenant → agent counts where the frames arrive: testpmd server RX, or our agent's sink.
        Func<Task<(long, long)>> AgentSideSampler() =>
            server is not null ? DpdkSampler(server, rx: true) : AgentSampler(agent!, id, framesIn: true);
    }

    /// <summary>Samples testpmd's next periodic block (one a second).</summary>
    public static Func<Task<(long, long)>> DpdkSampler(TestPmd pmd, bool rx) => async () =>
    {
        var s = await pmd.NextSampleAsync(pmd.Latest, TimeSpan.FromSeconds(5));
        return (rx ? s.Stats.RxPackets : s.Stats.TxPackets, s.Timestamp);
    };

    /// <summary>Samples our agent's counters for <paramref name="svcId"/> through its stats socket.</summary>
    public static Func<Task<(long, long)>> AgentSampler(BenchAgent agent, uint svcId, bool framesIn) => async () =>
    {
        var (c, ts) = await agent.CountersAsync(svcId);
        return (framesIn ? c.FramesIn : c.FramesOut, ts);
    };

    /// <summary>
    /// Frames per second in <paramref name="runs"/> consecutive windows after <paramref name="warmup"/>;
    /// each window's first and last sample's timestamps go to <paramref name="windows"/> when given.
    /// </summary>
    public static async Task<IReadOnlyList<double>> RatesAsync(Func<Task<(long Count, long Timestamp)>> sample, TimeSpan warmup, int runs,
        TimeSpan duration, CancellationToken cancel, List<(long From, long To)>? windows = null)
    {
        await Task.Delay(warmup, cancel);
        var previous = await sample();
        var rates = new List<double>(runs);
        for (int r = 0; r < runs; r++)
        {
            await Task.Delay(duration, cancel);
            var current = await sample();
            double seconds = (double)(current.Timestamp - previous.Timestamp) / Stopwatch.Frequency;
            if (current.Count <= previous.Count) throw new InvalidOperationException($"no frames arrived in run {r + 1} ({seconds:0.0} s)");
            rates.Add((current.Count - previous.Count) / seconds);
            windows?.Add((previous.Timestamp, current.Timestamp));
            previous = current;
        }
        return rates;
    }
}
