using Descsock.Host.Bench;
namespace Descsock.Tests.Bench;

/// <summary>The benchmark's arithmetic and report, on figures made up for the purpose (no timing is asserted).</summary>
public class BenchReportTests
{
    private static readonly BenchMachine Machine = new(new DateTime(2026, 12, 1), "test CPU", 2, "6.0", "DPDK 22.11");

    [Fact]
    public void Percentiles_are_nearest_rank_and_medians_average_the_middle_pair()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, Percentile.Of(sorted, 50));
        Assert.Equal(10, Percentile.Of(sorted, 99));
        Assert.Equal(1, Percentile.Of(sorted, 0));
        Assert.Equal(2.5, Percentile.Median([4, 1, 3, 2]));
        Assert.Equal(3, Percentile.Median([5, 3, 1]));
        Assert.True(double.IsNaN(Percentile.Median([])));
    }

    [Fact]
    public void Ratios_compare_with_the_reference_row_of_the_same_workload_size_and_mode()
    {
        var reference = ThroughputBench.Figure(BenchWorkload.TenantToAgent, BenchPair.Reference, 64, [10e6, 11e6, 12e6]);
        var ours = ThroughputBench.Figure(BenchWorkload.TenantToAgent, BenchPair.Ours, 64, [13e6, 15e6, 14e6]);
        var otherSize = ThroughputBench.Figure(BenchWorkload.TenantToAgent, BenchPair.Ours, 512, [1e6]);
        var latencyRef = new BenchFigure(BenchWorkload.Latency, BenchPair.Reference, 64, LatencyBench.BusyPoll,
            [new BenchMetric("mean", "µs", [2.0], HigherIsBetter: false)]) { RatioMetric = "mean" };
        var latencyOurs = new BenchFigure(BenchWorkload.Latency, BenchPair.Ours, 64, LatencyBench.BusyPoll,
            [new BenchMetric("mean", "µs", [0.5], HigherIsBetter: false)]) { RatioMetric = "mean" };
        var idleOurs = latencyOurs with { Mode = LatencyBench.Idle };
        var report = new BenchReport(new BenchSettings(), Machine, [reference, ours, otherSize, latencyRef, latencyOurs, idleOurs]);

        Assert.Equal(14.0 / 11.0, report.Ratio(ours)!.Value, 9);
        Assert.Equal(1.0, report.Ratio(reference)!.Value, 9);
        Assert.Null(report.Ratio(otherSize)); // no reference row at 512 B
        Assert.Equal(4.0, report.Ratio(latencyOurs)!.Value, 9); // times: reference ÷ this, so faster is > 1
        Assert.Null(report.Ratio(idleOurs)); // testpmd has no idle mode to compare with
    }

    [Fact]
    public async Task The_table_and_the_json_carry_every_figure_and_the_reason_one_is_missing()
    {
        var figures = new List<BenchFigure>
        {
            ThroughputBench.Figure(BenchWorkload.Echo, BenchPair.Reference, 64, [1e6, 2e6, 3e6]),
            ThroughputBench.Figure(BenchWorkload.Echo, BenchPair.Ours, 64, [4e6, 4e6, 4e6]),
            BenchFigure.Failed(BenchWorkload.Echo, BenchPair.DpdkVsOurs, 64, null, "testpmd is missing"),
        };
        var report = new BenchReport(new BenchSettings(), Machine, figures);
        var table = new StringWriter();
        report.Print(table);
        string text = table.ToString();
        Assert.Contains("2.00 [1.00–3.00] Mpps", text);
        Assert.Contains("2.00×", text);
        Assert.Contains("dpdk-vs-ours", text);
        Assert.Contains("not measured: testpmd is missing", text);

        string path = Path.Combine(Directory.CreateTempSubdirectory("bench-json-").FullName, "out", "results.json");
        await report.WriteJsonAsync(path, CancellationToken.None);
        using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var rows = json.RootElement.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal("ours", rows[1].GetProperty("pair").GetString());
        Assert.Equal(2.0, rows[1].GetProperty("ratio").GetDouble(), 9);
        Assert.Equal([4e6, 4e6, 4e6], rows[1].GetProperty("metrics")[0].GetProperty("runs").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("testpmd is missing", rows[2].GetProperty("error").GetString());
    }

    [Fact]
    public void The_plan_runs_workloads_then_sizes_then_pairs_and_only_ours_for_allocation_and_idle_tenants()
    {
        var plan = BenchCommand.Plan(new BenchSettings
        {
            Workloads = [BenchWorkload.Allocation, BenchWorkload.TenantToAgent, BenchWorkload.IdleTenants],
            Sizes = [64, 1500], Pairs = [BenchPair.OursVsDpdk, BenchPair.Reference, BenchPair.Ours],
        }).Select(m => m.ToString()).ToList();
        Assert.Equal(
        [
            "tenant-to-agent 64 B reference", "tenant-to-agent 64 B ours", "tenant-to-agent 64 B ours-vs-dpdk",
            "tenant-to-agent 1500 B reference", "tenant-to-agent 1500 B ours", "tenant-to-agent 1500 B ours-vs-dpdk",
            "allocation 64 B Send/Recv ours", "allocation 64 B TrySend/TryRecv ours", "allocation 64 B TrySendBurst/TryRecvBurst ours",
            "idle-tenants 256 tenants ours",
        ], plan);
    }
}
