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
        var figures = new List<BenchFigure>();
        try
        {
            for (int i = 0; i < plan.Count; i++)
            {
                var m = plan[i];
                stderr.WriteLine($"bench [{i + 1}/{plan.Count}] {m}");
                bool needsDpdk = m.Pair != BenchPair.Ours;
                BenchFigure figure;
                if (needsDpdk && !dpdk) figure = BenchFigure.Failed(m.Workload, m.Pair, m.Size, m.Mode, noDpdk);
                else
                {
                    try
                    {
                        figure = await MeasureAsync(peers, m, stderr, cancel);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        figure = BenchFigure.Failed(m.Workload, m.Pair, m.Size, m.Mode, e.Message.Split('\n')[0]);
                    }
                }
                if (figure.Error is not null) stderr.WriteLine($"bench: {m}: not measured: {figure.Error}");
                figures.Add(figure);
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        var report = new BenchReport(settings, BenchMachine.Describe(), figures);
        report.Print(stdout);
        if (settings.JsonPath is { } json)
        {
            await report.WriteJsonAsync(json, cancel);
            stdout.WriteLine();
            stdout.WriteLine($"results written to {json}");
        }
        return figures.Any(f => f.Error is not null) ? ExitCodes.Failed : ExitCodes.Success;
    }

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
                    foreach (var mode in new[] { LatencyBench.BusyPoll, LatencyBench.Idle })
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

    private static Task<BenchFigure> MeasureAsync(BenchPeers peers, Measurement m, TextWriter stderr, CancellationToken cancel) => m.Workload switch
    {
        BenchWorkload.Latency => new LatencyBench(peers).MeasureAsync(m.Pair, m.Mode!, cancel),
        BenchWorkload.Allocation => new AllocationBench(peers).MeasureAsync(m.Mode!, m.Size!.Value, cancel),
        BenchWorkload.IdleTenants => new IdleTenantsBench(peers).MeasureAsync(new Progress<string>(p => stderr.WriteLine($"bench: {p}")), cancel),
        _ => new ThroughputBench(peers).MeasureAsync(m.Workload, m.Pair, m.Size!.Value, cancel),
    };
}
