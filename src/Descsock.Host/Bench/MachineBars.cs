namespace Descsock.Host.Bench;

/// <summary>
/// What a probe reading needs to count as the machine's fast state: a cross-core copy rate of at
/// least <see cref="CopyRate"/> frames per second and a core-to-core round trip of at most
/// <see cref="CoreToCoreNs"/>. The two slow states are separate: the copy rate can read fast while
/// a cache line's round trip takes 3–4× its usual time, and that state slows most the workloads
/// that wait on the other side (echo, one frame in flight) while one-way floods hide it.
/// </summary>
internal readonly record struct MachineBars(double CopyRate, double CoreToCoreNs)
{
    /// <summary>The share of a run's in-run round trips (<see cref="InRunProbe"/>) a run needs to count as fast.</summary>
    public const double InRunFastShare = 0.9;

    /// <summary>Whether <paramref name="r"/> meets both bars (never for a reading with NaN in it).</summary>
    public bool Meets(MachineReading r) => MeetsCopy(r) && r.CoreToCoreNs <= CoreToCoreNs;

    private bool MeetsCopy(MachineReading r) => r.CopyFramesPerSecond >= CopyRate;

    /// <summary>The share of <paramref name="inRun"/> (round trips in ns) within the round-trip bar; NaN when there are none.</summary>
    public double InRunShare(IReadOnlyCollection<double> inRun)
    {
        double bar = CoreToCoreNs;
        return inRun.Count == 0 ? double.NaN : (double)inRun.Count(ns => ns <= bar) / inRun.Count;
    }

    /// <summary>
    /// Whether a run met the fast state: the copy bar at both ends, and the round-trip bar for at
    /// least <see cref="InRunFastShare"/> of the round trips sampled during its window
    /// (<paramref name="inRun"/>, ns), which tell the window's own state where the ends, 6–8 s
    /// apart, do not. A run without in-run samples (the probe could not run) is judged by both bars
    /// at its ends.
    /// </summary>
    public bool RunMeets(MachineReading before, MachineReading after, IReadOnlyCollection<double> inRun) =>
        inRun.Count == 0 ? Meets(before) && Meets(after) : MeetsCopy(before) && MeetsCopy(after) && InRunShare(inRun) >= InRunFastShare;

    /// <summary>The bars as the progress lines show them.</summary>
    public override string ToString() => $"fast ≥ {CopyRate / 1e6:0.0} Mfps, ≤ {CoreToCoreNs:0} ns";
}
