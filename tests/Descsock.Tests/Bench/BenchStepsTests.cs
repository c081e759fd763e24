using Descsock.Host.Bench;
namespace Descsock.Tests.Bench;

/// <summary>
/// The benchmark's order (the rate workloads' pairs take turns run by run; the others run at once)
/// and its probe of the machine's state between runs.
/// </summary>
public class BenchStepsTests
{
    [Fact]
    public void The_pairs_of_a_rate_workload_take_turns_run_by_run_and_latency_runs_at_once()
    {
        var settings = new BenchSettings
        {
            Workloads = [BenchWorkload.Echo, BenchWorkload.Latency],
            Pairs = [BenchPair.Reference, BenchPair.Ours],
            Sizes = [64, 512],
            Runs = 2,
        };
        var steps = BenchCommand.Steps(BenchCommand.Plan(settings).ToList(), settings.Runs)
            .Select(s => $"{s.Measurement} #{s.Run}").ToList();
        Assert.Equal(
        [
            "echo 64 B reference #1", "echo 64 B ours #1", "echo 64 B reference #2", "echo 64 B ours #2",
            "echo 512 B reference #1", "echo 512 B ours #1", "echo 512 B reference #2", "echo 512 B ours #2",
            "latency 64 B busy-poll reference #1", "latency 64 B busy-poll ours #1",
            "latency 64 B idle reference #1", "latency 64 B idle ours #1",
        ], steps);
    }

    [Fact]
    public void The_core_to_core_probe_passes_a_cache_line_between_the_two_CPUs_and_reports_its_round_trip()
    {
        double ns = CoreToCore.RoundTripNanoseconds(0, Environment.ProcessorCount - 1);
        Assert.True(double.IsFinite(ns) && ns > 0, $"round trip {ns} ns");
    }
}
