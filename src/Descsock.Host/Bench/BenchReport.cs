using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Descsock.Host.Commands;
namespace Descsock.Host.Bench;

/// <summary>
/// The benchmark's output: one table, each figure as its median with the min–max of the runs and
/// its ratio to the reference (DPDK ↔ DPDK) row of the same workload, size and mode; and the
/// same figures, every run included, as JSON.
/// </summary>
internal sealed class BenchReport(BenchSettings settings, BenchMachine machine, IReadOnlyList<BenchFigure> figures,
    BenchReport.StateBar? stateBar = null)
{
    /// <summary>The probes' best readings and the fast-state bars they set (<see cref="MachineStateGate"/>): copy rates in frames per second, round trips in ns.</summary>
    public sealed record StateBar(double BestCopyRate, double FastBar, double ShortestCoreToCoreNs, double CoreToCoreBarNs);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// How many times better than the reference <paramref name="figure"/> is on its ratio metric
    /// (rates: this ÷ reference; times: reference ÷ this), or null without a reference figure.
    /// </summary>
    public double? Ratio(BenchFigure figure)
    {
        if (figure.RatioMetric is null || figure.Metric(figure.RatioMetric) is not { } mine) return null;
        var reference = figures.FirstOrDefault(f => f.Pair == BenchPair.Reference && f.Workload == figure.Workload && f.Size == figure.Size
                                                    && f.Mode == figure.Mode);
        if (reference?.Metric(figure.RatioMetric) is not { } theirs) return null;
        return mine.HigherIsBetter ? mine.Median / theirs.Median : theirs.Median / mine.Median;
    }

    /// <summary>Writes the table.</summary>
    public void Print(TextWriter w)
    {
        w.WriteLine($"descsock bench · {machine.Date:yyyy-MM-dd HH:mm} UTC · {machine.Cpu} · {machine.Cpus} CPUs · Linux {machine.Kernel} · {machine.Dpdk}");
        string gate = stateBar is null ? ""
            : settings.Retries > 0 ? $", a rate run taken again up to {settings.Retries}× when the machine read slow"
            : ", every rate run kept as it came";
        w.WriteLine($"tenant side on CPU {settings.TenantCpu}, agent side on CPU {settings.AgentCpu} · median of {settings.Runs} runs of " +
                    $"{settings.Duration.TotalSeconds.ToString("0.##", Inv)} s [min–max]{gate} · ratio: × the reference row (for times: reference ÷ this)");
        w.WriteLine("pairs: reference = testpmd client ↔ testpmd server · ours = C# tenant ↔ C# agent · " +
                    "ours-vs-dpdk = C# tenant ↔ testpmd server · dpdk-vs-ours = testpmd client ↔ C# agent");
        foreach (var group in figures.GroupBy(f => f.Workload))
        {
            w.WriteLine();
            w.WriteLine(Title(group.Key));
            foreach (var f in group) w.WriteLine("  " + Row(f));
        }
    }

    private const string ProbesNote = "; copy: a plain ring's 1500-byte frames between the two CPUs, and core-to-core: a cache line's " +
                                          "round trip, both before and after each run; in the window: the round trip's median during each run";

    private static string Title(BenchWorkload workload) => workload switch
    {
        BenchWorkload.TenantToAgent => $"tenant → agent, one-way (frames counted where they arrive{ProbesNote})",
        BenchWorkload.AgentToTenant => $"agent → tenant, one-way (frames counted where they arrive{ProbesNote})",
        BenchWorkload.Echo => $"echo: frames returned per second, {TenantLoop.EchoWindow} in flight{ProbesNote}",
        BenchWorkload.Latency => $"round trip, one {LatencyBench.Size}-byte frame in flight, µs (idle: a frame every {LatencyBench.IdleGap.TotalMilliseconds} ms, asleep: every {LatencyBench.AsleepGap.TotalMilliseconds} ms, blocking calls)",
        BenchWorkload.Allocation => "bytes allocated per frame by the tenant process, steady state",
        _ => "CPU of connected idle tenants, % of one core",
    };

    private string Row(BenchFigure f)
    {
        string where = $"{(f.Size is { } s ? $"{s,5} B" : "       ")} {f.Mode ?? "",-26}{KebabNames.Of(f.Pair),-13}";
        if (f.Error is not null) return $"{where} not measured: {f.Error}";
        if (f.NotApplicable is not null) return $"{where} n/a: {f.NotApplicable}";
        string ratio = Ratio(f) is { } r ? $"{r,6:0.00}×" : "       ";
        string values = f.Workload switch
        {
            BenchWorkload.TenantToAgent or BenchWorkload.AgentToTenant or BenchWorkload.Echo =>
                $"{Range(f.Metric("rate")!, 1e6, "0.00")} Mpps  {f.Metric("throughput")!.Median,6:0.00} Gbit/s" +
                (f.Metric("cross-core copy") is { } copy ? $"  copy {Range(copy, 1e6, "0.0")} Mfps" : "") +
                (f.Metric("core-to-core") is { } c2c ? $"  core-to-core {Range(c2c, 1, "0")} ns" : "") +
                (f.Metric("in-run core-to-core") is { } inRun ? $"  in the window {Range(inRun, 1, "0")} ns" : ""),
            BenchWorkload.Latency => string.Join("  ", f.Metrics.Select(m => $"{m.Name} {Range(m, 1, "0.0")}")),
            _ => string.Join("  ", f.Metrics.Select(m => $"{m.Name} {Range(m, 1, "0.00")}")),
        };
        return $"{where} {ratio}  {values}{(f.Note is null ? "" : $"  ({f.Note})")}";
    }

    private static string Range(BenchMetric m, double scale, string format) =>
        $"{(m.Median / scale).ToString(format, Inv)} [{(m.Min / scale).ToString(format, Inv)}–{(m.Max / scale).ToString(format, Inv)}]";

    /// <summary>Writes every figure and run as JSON to <paramref name="path"/> (its directory is created).</summary>
    public async Task WriteJsonAsync(string path, CancellationToken cancel)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var document = new
        {
            machine,
            machineState = stateBar,
            settings = new
            {
                pairs = settings.Pairs.Select(KebabNames.Of), workloads = settings.Workloads.Select(KebabNames.Of), settings.Sizes, settings.Runs, settings.Retries,
                seconds = settings.Duration.TotalSeconds, settings.TenantCpu, settings.AgentCpu, idleTenants = settings.IdleTenantCount,
            },
            figures = figures.Select(f => new
            {
                workload = KebabNames.Of(f.Workload), pair = KebabNames.Of(f.Pair), f.Size, f.Mode, ratio = Ratio(f), f.Note, f.Error, f.NotApplicable,
                metrics = f.Metrics.Select(m => new { m.Name, m.Unit, m.Median, m.Min, m.Max, m.Runs }),
            }),
        };
        var options = new JsonSerializerOptions
        {
            WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, options) + "\n", cancel);
    }
}
