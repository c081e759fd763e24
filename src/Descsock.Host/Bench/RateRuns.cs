namespace Descsock.Host.Bench;

/// <summary>
/// One rate measurement's runs as <see cref="MachineStateGate"/> sorted them: the runs kept (one
/// per run asked for), the probes' readings around each, and the runs taken again because the
/// machine read slow. No run is thrown away: the JSON has the rates of those taken again too.
/// </summary>
internal sealed class RateRuns
{
    /// <summary>Frames per second of the kept runs, one per run.</summary>
    public List<double> Rates { get; } = new();

    /// <summary><see cref="CoreToCore"/> round trips before and after each kept run, in ns.</summary>
    public List<double> CoreToCore { get; } = new();

    /// <summary><see cref="CrossCoreCopy"/> rates before and after each kept run, in frames per second.</summary>
    public List<double> CopyRates { get; } = new();

    /// <summary>Frames per second of the runs taken again because a probe read the machine's slow state.</summary>
    public List<double> SlowStateRates { get; } = new();

    /// <summary><see cref="InRunProbe"/>'s round trips during each kept run's window, in ns (empty when it took none).</summary>
    public List<double[]> InRunCoreToCore { get; } = new();

    /// <summary>The median of each kept run's in-run round trips (NaN for a run without any).</summary>
    public List<double> InRunMedians => InRunCoreToCore.Select(r => r.Length > 0 ? Percentile.Median(r) : double.NaN).ToList();

    /// <summary>Keeps a run as the figure's.</summary>
    public void Keep(double rate, MachineReading before, MachineReading after, double[]? inRun = null)
    {
        Rates.Add(rate);
        CoreToCore.AddRange([before.CoreToCoreNs, after.CoreToCoreNs]);
        CopyRates.AddRange([before.CopyFramesPerSecond, after.CopyFramesPerSecond]);
        InRunCoreToCore.Add(inRun ?? []);
    }

    /// <summary>Each kept run's share of in-run round trips within <paramref name="bars"/>, in % (NaN for a run without any).</summary>
    public List<double> InRunFastShares(MachineBars bars) => InRunCoreToCore.Select(r => 100 * bars.InRunShare(r)).ToList();

    /// <summary>Sets a run aside: it is taken again.</summary>
    public void Retake(double rate) => SlowStateRates.Add(rate);

    /// <summary>
    /// Kept runs that met <paramref name="bars"/> (<see cref="MachineBars.RunMeets"/>: the copy rate at
    /// both ends, the round trip in the window): the benchmark's last, so that a run kept while the
    /// bars were still lax (the machine slow from the start) is not counted as fast.
    /// </summary>
    public int FastRuns(MachineBars bars)
    {
        int fast = 0;
        for (int i = 0; i < Rates.Count; i++)
            if (bars.RunMeets(new(CoreToCore[2 * i], CopyRates[2 * i]), new(CoreToCore[2 * i + 1], CopyRates[2 * i + 1]), InRunCoreToCore[i])) fast++;
        return fast;
    }

    /// <summary>What the table says of the runs' states, judged by <paramref name="bars"/>.</summary>
    public string Note(MachineBars bars) => $"{FastRuns(bars)} of {Rates.Count} runs in the fast state" +
                                      (SlowStateRates.Count > 0 ? $", {SlowStateRates.Count} taken again" : "");
}
