using Descsock.Host.Commands;
using Descsock.Host.Peers;
namespace Descsock.Host.Bench;

/// <summary>
/// <c>descsock bench</c>: runs the chosen workloads over the chosen pairs in one invocation, with
/// a progress line per measurement on stderr, then prints one table and writes the JSON. The
/// process pins itself to the tenant's CPU first (it is the C# tenant); the agent side runs in
/// child processes on the agent's CPU. A figure that cannot be measured (testpmd missing, a run
/// with no traffic) is reported with its reason and makes the exit code 1.
/// </summary>
public static class BenchCommand
{
    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static async Task<int> RunAsync(BenchSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        int cpus = Environment.ProcessorCount;
        if (settings.TenantCpu >= cpus || settings.AgentCpu >= cpus)
        {
            stderr.WriteLine($"descsock bench: this machine has CPUs 0..{cpus - 1}; --tenant-cpu {settings.TenantCpu} / --agent-cpu {settings.AgentCpu} do not exist");
            return ExitCodes.BadArguments;
        }
        if (settings.TenantCpu == settings.AgentCpu)
            stderr.WriteLine("descsock bench: warning: tenant and agent share one CPU; busy-polling sides will take turns");
        CpuPinning.PinProcess(settings.TenantCpu);
        bool dpdk = TestPmd.IsAvailable(out string noDpdk);
        string work = Directory.CreateTempSubdirectory("descsock-bench-").FullName;
        var peers = new BenchPeers(settings, work);
        var plan = Plan(settings).ToList();
        var steps = Steps(plan, settings.Runs).ToList();
        var rateRuns = plan.ToDictionary(m => m, _ => new RateRuns());
        var gate = new MachineStateGate(settings.TenantCpu, settings.AgentCpu);
        if (plan.Any(IsInterleaved))
        {
            stderr.WriteLine("bench: reading the machine's state (copy and core-to-core probes)");
            try { gate.Calibrate(cancel); }
            catch (InvalidOperationException e) // a probe that cannot pin: each rate run's own reading fails it, with this reason
            {
                stderr.WriteLine($"bench: {e.Message}");
            }
        }
        var failed = new Dictionary<Measurement, string>();
        var figures = new Dictionary<Measurement, BenchFigure>();
        try
        {
            for (int i = 0; i < steps.Count; i++)
            {
                var (m, run) = steps[i];
                if (failed.ContainsKey(m)) continue; // a pair that failed once is not measured again
                bool rounds = IsInterleaved(m) && settings.Runs > 1;
                stderr.WriteLine($"bench [{i + 1}/{steps.Count}] {m}{(rounds ? $" (run {run} of {settings.Runs})" : "")}");
                if (m.Pair != BenchPair.Ours && !dpdk) { failed[m] = noDpdk; continue; }
                try
                {
                    if (IsInterleaved(m))
                        await RunRateAsync(peers, gate, m, rateRuns[m], stderr, cancel);
                    else
                        figures[m] = await MeasureAsync(peers, m, stderr, cancel);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed[m] = e.Message.Split('\n')[0];
                }
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        var table = plan.Select(m =>
            failed.TryGetValue(m, out string? error) ? BenchFigure.Failed(m.Workload, m.Pair, m.Size, m.Mode, error)
            : figures.TryGetValue(m, out var f) ? f
            : ThroughputBench.Figure(m.Workload, m.Pair, m.Size!.Value, rateRuns[m], gate.Bars)).ToList();
        foreach (var (m, error) in failed) stderr.WriteLine($"bench: {m}: not measured: {error}");
        var report = new BenchReport(settings, BenchMachine.Describe(), table,
            plan.Any(IsInterleaved) ? new BenchReport.StateBar(gate.Best, gate.Bars.CopyRate, gate.ShortestCoreToCore, gate.Bars.CoreToCoreNs) : null);
        report.Print(stdout);
        if (settings.JsonPath is { } json)
        {
            await report.WriteJsonAsync(json, cancel);
            stdout.WriteLine();
            stdout.WriteLine($"results written to {json}");
        }
        return table.Any(f => f.Error is not null) ? ExitCodes.Failed : ExitCodes.Success;
    }

    /// <summary>
    /// One run of a rate measurement, between two readings of the machine's probes. It starts once the
    /// machine reads fast (<see cref="MachineStateGate.AwaitFastAsync"/>); a try whose wait ran out
    /// with retries left is not measured, as it would only be taken again. A run the probes found in the
    /// machine's slow state is set aside and taken again on a new connection, up to
    /// <see cref="BenchSettings.Retries"/> times; the last try is kept either way, and the figure
    /// says how many of its runs met the fast state. This machine's cross-core speed flips 4–8× for
    /// seconds at a time, for every pair alike, so pairs are compared in the same state.
    /// </summary>
    private static async Task RunRateAsync(BenchPeers peers, MachineStateGate gate, Measurement m, RateRuns runs, TextWriter stderr,
        CancellationToken cancel)
    {
        for (int attempt = 0; ; attempt++)
        {
            bool last = attempt >= peers.Settings.Retries;
            // --retries 0 asks for every run as it comes: no waiting for the fast state either.
            var before = peers.Settings.Retries > 0 ? await gate.AwaitFastAsync(stderr, cancel) : gate.Read();
            if (!last && MachineStateGate.CanJudge(before) && !gate.Meets(before))
            {
                stderr.WriteLine("  not measuring this try: the bar only rises, so it would be taken again anyway");
                continue;
            }
            var probe = InRunProbe.Start(peers.Settings.TenantCpu, peers.Settings.AgentCpu);
            (double Rate, long From, long To) run;
            IReadOnlyList<(long, double)> samples;
            try { run = await new ThroughputBench(peers).MeasureRunAsync(m.Workload, m.Pair, m.Size!.Value, cancel); }
            finally { samples = probe.Stop(); }
            double rate = run.Rate;
            double[] inRun = InRunProbe.Within(samples, run.From, run.To);
            var after = gate.Read();
            bool judged = MachineStateGate.CanJudge(before, after);
            bool fast = gate.IsFast(before, after, inRun);
            stderr.WriteLine($"  {rate / 1e6:0.00} Mpps · machine: copy {before.CopyFramesPerSecond / 1e6:0.0} / {after.CopyFramesPerSecond / 1e6:0.0} Mfps " +
                             $"core-to-core {before.CoreToCoreNs:0} / {after.CoreToCoreNs:0} ns, in the window {InRunNote(inRun, gate.Bars)} ({gate.Bars}) · " +
                             (fast ? "fast" : !judged ? "a probe was cut short: kept" : last ? "slow, kept: no retries left" : "slow, taking it again"));
            if (fast || !judged || last)
            {
                runs.Keep(rate, before, after, inRun);
                return;
            }
            runs.Retake(rate);
        }
    }

    /// <summary>What the progress line says of a run's in-run round trips.</summary>
    private static string InRunNote(double[] inRun, MachineBars bars) => inRun.Length == 0 ? "not sampled"
        : $"{Percentile.Median(inRun):0} ns ({bars.InRunShare(inRun) * 100:0} % of {inRun.Length} within the bar)";

    /// <summary>One measurement of the plan.</summary>
    internal sealed record Measurement(BenchWorkload Workload, BenchPair Pair, int? Size, string? Mode)
    {
        public override string ToString() =>
            $"{KebabNames.Of(Workload)}{(Size is { } s ? $" {s} B" : "")}{(Mode is null ? "" : $" {Mode}")} {KebabNames.Of(Pair)}";
    }

    /// <summary>What the settings ask for, in table order: workloads, then sizes or modes, then pairs.</summary>
    internal static IEnumerable<Measurement> Plan(BenchSettings s)
    {
        var pairs = Enum.GetValues<BenchPair>().Where(s.Pairs.Contains).ToList();
        foreach (var w in Enum.GetValues<BenchWorkload>().Where(s.Workloads.Contains))
            switch (w)
            {
                case BenchWorkload.TenantToAgent or BenchWorkload.AgentToTenant or BenchWorkload.Echo:
                    foreach (int size in s.Sizes)
                        foreach (var p in pairs) yield return new(w, p, size, null);
                    break;
                case BenchWorkload.Latency:
                    foreach (var mode in LatencyBench.Modes)
                        foreach (var p in pairs) yield return new(w, p, LatencyBench.Size, mode);
                    break;
                case BenchWorkload.Allocation:
                    if (s.Pairs.Contains(BenchPair.Ours))
                        foreach (var mode in AllocationBench.Modes)
                            yield return new(w, BenchPair.Ours, s.Sizes[0], mode);
                    break;
                case BenchWorkload.IdleTenants:
                    if (s.Pairs.Contains(BenchPair.Ours)) yield return new(w, BenchPair.Ours, null, $"{s.IdleTenantCount} tenants");
                    break;
            }
    }

    /// <summary>The rate workloads, whose pairs take turns run by run (see <see cref="Steps"/>).</summary>
    internal static bool IsInterleaved(Measurement m) =>
        m.Workload is BenchWorkload.TenantToAgent or BenchWorkload.AgentToTenant or BenchWorkload.Echo;

    /// <summary>
    /// The order of the measurements, each with its run number. The rate workloads' pairs take turns:
    /// every pair's first run at one size, then every pair's second, and so on, each run on a new
    /// connection. This machine's speed flips between states for seconds to minutes at a time, and
    /// a pair whose runs all fell into one state made a ratio that said more about the machine than
    /// about the pair; taking turns spreads the states over every pair alike. The other workloads
    /// take their runs at once.
    /// </summary>
    internal static IEnumerable<(Measurement Measurement, int Run)> Steps(IReadOnlyList<Measurement> plan, int runs)
    {
        for (int i = 0; i < plan.Count;)
        {
            var m = plan[i];
            if (!IsInterleaved(m)) { yield return (m, 1); i++; continue; }
            int end = i;
            while (end < plan.Count && plan[end].Workload == m.Workload && plan[end].Size == m.Size) end++;
            for (int run = 1; run <= runs; run++)
                for (int j = i; j < end; j++) yield return (plan[j], run);
            i = end;
        }
    }

    private static Task<BenchFigure> MeasureAsync(BenchPeers peers, Measurement m, TextWriter stderr, CancellationToken cancel) => m.Workload switch
    {
        BenchWorkload.Latency => new LatencyBench(peers).MeasureAsync(m.Pair, m.Mode!, cancel),
        BenchWorkload.Allocation => new AllocationBench(peers).MeasureAsync(m.Mode!, m.Size!.Value, cancel),
        _ => new IdleTenantsBench(peers).MeasureAsync(new Progress<string>(p => stderr.WriteLine($"bench: {p}")), cancel),
    };
}
