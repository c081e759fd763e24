using Descsock.Host.Bench;
namespace Descsock.Tests.Bench;

/// <summary>
/// The benchmark's order (the rate workloads' pairs take turns run by run; the others run at once),
/// its probes of the machine's state between runs, and the gate that judges a run by them.
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
            "latency 64 B asleep reference #1", "latency 64 B asleep ours #1",
        ], steps);
    }

    [Fact]
    public void The_core_to_core_probe_passes_a_cache_line_between_the_two_CPUs_and_reports_its_round_trip()
    {
        double ns = CoreToCore.RoundTripNanoseconds(0, Environment.ProcessorCount - 1);
        Assert.True(double.IsFinite(ns) && ns > 0, $"round trip {ns} ns");
    }

    [Fact]
    public void The_in_run_probe_samples_the_round_trip_every_period_until_stopped_and_keeps_a_window_s_samples()
    {
        var probe = InRunProbe.Start(0, Environment.ProcessorCount - 1);
        Thread.Sleep(InRunProbe.Period * 8);
        long middle = System.Diagnostics.Stopwatch.GetTimestamp();
        Thread.Sleep(InRunProbe.Period * 8);
        var samples = probe.Stop();
        Assert.True(samples.Count >= 4, $"{samples.Count} samples in 16 periods");
        Assert.Same(samples, probe.Stop()); // stopping again changes nothing
        for (int i = 1; i < samples.Count; i++) Assert.True(samples[i].Timestamp > samples[i - 1].Timestamp);
        Assert.All(samples, s => Assert.True(double.IsNaN(s.Nanoseconds) || s.Nanoseconds > 0, $"{s.Nanoseconds} ns"));
        var readings = samples.Where(s => !double.IsNaN(s.Nanoseconds)).ToList();
        Assert.True(readings.Count >= samples.Count / 2, $"{samples.Count - readings.Count} of {samples.Count} samples missed by the partner");
        var late = InRunProbe.Within(samples, middle, long.MaxValue);
        Assert.Equal(readings.Count(s => s.Timestamp >= middle), late.Length);
        Assert.True(late.Length < readings.Count);
    }

    [Fact]
    public void A_run_with_in_run_samples_is_judged_by_them_for_the_round_trip_and_by_its_ends_for_the_copy_rate()
    {
        var bars = new MachineBars(10e6, 200);
        MachineReading fast = new(90, 20e6), slowTrip = new(330, 20e6), slowCopy = new(90, 2e6);
        double[] inWindowFast = [.. Enumerable.Repeat(65.0, 9), 310], inWindowSlow = [.. Enumerable.Repeat(65.0, 8), 310, 320];
        Assert.Equal(0.9, bars.InRunShare(inWindowFast));
        Assert.True(bars.RunMeets(fast, fast, inWindowFast));
        Assert.False(bars.RunMeets(fast, fast, inWindowSlow));        // ends fast, window not: 80 % within the bar
        Assert.True(bars.RunMeets(fast, slowTrip, inWindowFast));     // the round trip flipped after the window
        Assert.False(bars.RunMeets(slowCopy, fast, inWindowFast));    // the copy bar still applies at the ends
        Assert.False(bars.RunMeets(fast, slowTrip, []));              // no samples: both bars at both ends
        Assert.True(double.IsNaN(bars.InRunShare([])));
        var gate = new MachineStateGate(0, 1);
        Assert.True(gate.IsFast(new(100, 20e6), new(100, 20e6), [.. Enumerable.Repeat(90.0, 10)]));
        Assert.False(gate.IsFast(new(100, 20e6), new(100, 20e6), [.. Enumerable.Repeat(300.0, 10)]));
        var runs = new RateRuns();
        runs.Keep(5e6, fast, fast, inWindowSlow);
        runs.Keep(15e6, fast, slowTrip, inWindowFast);
        Assert.Equal(1, runs.FastRuns(bars));
        Assert.Equal([80.0, 90.0], runs.InRunFastShares(bars).Select(x => Math.Round(x, 6)));
        Assert.Equal([65.0, 65.0], runs.InRunMedians);
    }

    [Fact]
    public void The_cross_core_copy_probe_carries_frames_between_the_two_CPUs_and_reports_their_rate()
    {
        double rate = CrossCoreCopy.FramesPerSecond(0, Environment.ProcessorCount - 1);
        Assert.True(double.IsFinite(rate) && rate > 0, $"rate {rate} frames/s");
    }

    [Fact]
    public void A_run_is_fast_when_both_copy_readings_reach_40_percent_of_the_best_so_far_and_a_cut_short_reading_cannot_be_judged()
    {
        var gate = new MachineStateGate(0, 1);
        MachineReading At(double mfps) => new(100, mfps * 1e6);
        Assert.True(gate.IsFast(At(20), At(18)));
        Assert.Equal(8e6, gate.Bars.CopyRate);
        Assert.False(gate.IsFast(At(20), At(3)));    // the state flipped during the run
        Assert.False(gate.IsFast(At(7.9), At(15)));  // slow when it started
        Assert.True(gate.IsFast(At(8), At(8)));
        Assert.False(gate.IsFast(At(30), At(11)));   // a better reading raises the bar first
        Assert.Equal((30e6, 12e6), (gate.Best, gate.Bars.CopyRate));
        Assert.False(gate.IsFast(At(double.NaN), At(20)));
        Assert.False(MachineStateGate.CanJudge(At(double.NaN), At(20)));
        Assert.True(MachineStateGate.CanJudge(At(1), At(20)));
    }

    [Fact]
    public void Runs_kept_while_the_bar_was_low_are_judged_by_the_last_bar()
    {
        var runs = new RateRuns();
        MachineReading At(double mfps) => new(100, mfps * 1e6);
        runs.Keep(2.5e6, At(3), At(3));   // the machine slow from the start: the bar was 1.5
        runs.Keep(11e6, At(18), At(20));
        runs.Retake(2e6);
        Assert.Equal([2.5e6, 11e6], runs.Rates);
        Assert.Equal([3e6, 3e6, 18e6, 20e6], runs.CopyRates);
        var bars = new MachineBars(10e6, 200);
        Assert.Equal(1, runs.FastRuns(bars));
        Assert.Equal("1 of 2 runs in the fast state, 1 taken again", runs.Note(bars));
        runs.Keep(12e6, new(90, 19e6), new(330, 19e6)); // copy fast, but a line's round trip was slow after it
        Assert.Equal(1, runs.FastRuns(bars));
        Assert.Equal(2, runs.FastRuns(bars with { CoreToCoreNs = 400 }));
    }

    [Fact]
    public void A_run_is_slow_when_a_core_to_core_reading_takes_over_twice_the_shortest_so_far_whatever_the_copy_rate()
    {
        var gate = new MachineStateGate(0, 1);
        MachineReading At(double ns) => new(ns, 20e6);
        Assert.True(gate.IsFast(At(100), At(90)));
        Assert.Equal(180, gate.Bars.CoreToCoreNs);
        Assert.False(gate.IsFast(At(90), At(330)));   // the vCPUs moved apart during the run
        Assert.False(gate.IsFast(At(181), At(90)));   // slow when it started
        Assert.True(gate.IsFast(At(180), At(100)));
        Assert.False(gate.IsFast(At(70), At(150)));   // a shorter reading tightens the bar first
        Assert.Equal((70, 140), (gate.ShortestCoreToCore, gate.Bars.CoreToCoreNs));
        Assert.False(gate.IsFast(At(double.NaN), At(90)));
        Assert.False(MachineStateGate.CanJudge(At(double.NaN), At(90)));
        Assert.True(MachineStateGate.CanJudge(At(900), At(90)));
    }
}
