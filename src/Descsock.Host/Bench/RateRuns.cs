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

    /// <summary>Keeps a run as the figure's.</summary>
    public void Keep(double rate, MachineReading before, MachineReading after)
    {
        Rates.Add(rate);
        CoreToCore.AddRange([before.CoreToCoreNs, after.CoreToCoreNs]);
        CopyRates.AddRange([before.CopyFramesPerSecond, after.CopyFramesPerSecond]);
    }

    /// <summary>Sets a run aside: it is taken again.</summary>
    public void Retake(double rate) => SlowStateRates.Add(rate);

    /// <summary>
    /// Kept runs whose probes both met <paramref name="bars"/>: the benchmark's last, so that a run kept
    /// while the bars were still lax (the machine slow from the start) is not counted as fast.
    /// </summary>
    public int FastRuns(MachineBars bars)
    {
        int fast = 0;
        for (int i = 0; i < Rates.Count; i++)
            if (bars.Meets(new(CoreToCore[2 * i], CopyRates[2 * i])) && bars.Meets(new(CoreToCore[2 * i + 1], CopyRates[2 * i + 1]))) fast++;
        return fast;
    }

    /// <summary>What the table says of the runs' states, judged by <paramref name="bars"/>.</summary>
    public string Note(MachineBars bars) => $"{FastRuns(bars)} of {Rates.Count} runs in the fast state" +
                                      (SlowStateRates.Count > 0 ? $", {SlowStateRates.Count} taken again" : "");
}
