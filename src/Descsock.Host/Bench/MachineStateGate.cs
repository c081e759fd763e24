namespace Descsock.Host.Bench;

/// <summary>The probes' readings at one moment: <see cref="CoreToCore"/>'s round trip and <see cref="CrossCoreCopy"/>'s rate.</summary>
internal readonly record struct MachineReading(double CoreToCoreNs, double CopyFramesPerSecond);

/// <summary>
/// Tells whether a rate run met the machine's fast state, from <see cref="CrossCoreCopy"/> readings
/// taken just before and just after it. A reading is fast when it is at least
/// <see cref="FastFraction"/> of the best reading so far in this benchmark: the two states differ
/// 4–8× here, and a bar set by the machine itself carries to another machine, where a fixed rate
/// would not. The share is well below the fast state's own spread (14–25 Mfps here), so one high
/// reading does not make ordinary fast ones slow. A few readings at the start
/// (<see cref="Calibrate"/>) set the first bar. A reading from a cut-short probe (NaN) cannot be
/// judged (<see cref="CanJudge"/>).
/// </summary>
internal sealed class MachineStateGate(int tenantCpu, int agentCpu)
{
    /// <summary>The share of the best copy rate a reading needs to count as the fast state.</summary>
    public const double FastFraction = 0.4;

    private const int CalibrationReadings = 10;

    /// <summary>The longest <see cref="AwaitFastAsync"/> waits; slow stretches here last seconds to a minute.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ReadingGap = TimeSpan.FromMilliseconds(250);
    private double _best;

    /// <summary>The copy rate a reading needs now to count as fast.</summary>
    public double Bar => _best * FastFraction;

    /// <summary>Reads both probes (between runs, while no peer runs).</summary>
    public MachineReading Read() =>
        new(CoreToCore.RoundTripNanoseconds(tenantCpu, agentCpu), CrossCoreCopy.FramesPerSecond(tenantCpu, agentCpu));

    /// <summary>The best copy rate read so far, in frames per second (the JSON records it).</summary>
    public double Best => _best;

    /// <summary>Takes a few readings to set the first bar (about a second and a half).</summary>
    public void Calibrate(CancellationToken cancel)
    {
        for (int i = 0; i < CalibrationReadings; i++)
        {
            cancel.ThrowIfCancellationRequested();
            Note(Read());
        }
    }

    /// <summary>Whether both readings are whole (a probe cut short reads NaN, and a run between such readings is kept unjudged).</summary>
    public static bool CanJudge(MachineReading before, MachineReading after) => CanJudge(before) && CanJudge(after);

    /// <summary>Whether one reading is whole.</summary>
    public static bool CanJudge(MachineReading r) => !double.IsNaN(r.CopyFramesPerSecond);

    /// <summary>
    /// Reads the probes until a reading meets the bar, for at most <see cref="LongestWait"/>, and
    /// returns the last reading: a run starts in the fast state when the machine offers it, and
    /// is not held up for ever when it does not. A reading that cannot be judged (NaN) ends the wait.
    /// </summary>
    public async Task<MachineReading> AwaitFastAsync(TextWriter progress, CancellationToken cancel)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var r = Read();
        Note(r);
        if (Meets(r) || !CanJudge(r)) return r;
        progress.WriteLine($"  machine slow (copy {r.CopyFramesPerSecond / 1e6:0.0} Mfps, fast ≥ {Bar / 1e6:0.0}): waiting up to {LongestWait.TotalSeconds:0} s");
        while (!Meets(r) && CanJudge(r) && waited.Elapsed < LongestWait)
        {
            await Task.Delay(ReadingGap, cancel);
            r = Read();
            Note(r);
        }
        if (CanJudge(r) && !Meets(r)) progress.WriteLine($"  still slow after {waited.Elapsed.TotalSeconds:0} s");
        return r;
    }

    /// <summary>Whether the readings before and after a run both met the bar, each raising it first if it is the best yet.</summary>
    public bool IsFast(MachineReading before, MachineReading after)
    {
        Note(before);
        Note(after);
        return Meets(before) && Meets(after);
    }

    private void Note(MachineReading r)
    {
        if (r.CopyFramesPerSecond > _best) _best = r.CopyFramesPerSecond;
    }

    /// <summary>Whether <paramref name="r"/> meets the bar as it stands (never for NaN).</summary>
    public bool Meets(MachineReading r) => r.CopyFramesPerSecond >= Bar;
}
