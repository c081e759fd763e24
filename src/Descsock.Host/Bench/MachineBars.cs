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
    /// <summary>Whether <paramref name="r"/> meets both bars (never for a reading with NaN in it).</summary>
    public bool Meets(MachineReading r) => r.CopyFramesPerSecond >= CopyRate && r.CoreToCoreNs <= CoreToCoreNs;

    /// <summary>The bars as the progress lines show them.</summary>
    public override string ToString() => $"fast ≥ {CopyRate / 1e6:0.0} Mfps, ≤ {CoreToCoreNs:0} ns";
}
