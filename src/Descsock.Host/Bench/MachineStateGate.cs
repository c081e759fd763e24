namespace Descsock.Host.Bench;

/// <summary>The probes' readings at one moment: <see cref="CoreToCore"/>'s round trip and <see cref="CrossCoreCopy"/>'s rate.</summary>
internal readonly record struct MachineReading(double CoreToCoreNs, double CopyFramesPerSecond);

/// <summary>
/// Tells whether a rate run met the machine's fast state, from <see cref="CrossCoreCopy"/> and
/// <see cref="CoreToCore"/> readings taken just before and just after it (<see cref="MachineBars"/>).
/// A reading is fast when its copy rate is at least <see cref="FastFraction"/> of the best so far in
/// this benchmark and its core-to-core round trip at most <see cref="CoreToCoreFactor"/>× the
/// shortest so far: the two states differ 4–8× in copy rate and 3–4× in round trip here, and bars
/// set by the machine itself carry to another machine, where fixed ones would not. Both are well
/// outside the fast state's own spread (14–25 Mfps and 75–105 ns here), so one lucky reading does
/// not make ordinary fast ones slow. A few readings at the start (<see cref="Calibrate"/>) set the
/// first bars. A reading from a cut-short probe (NaN) cannot be judged (<see cref="CanJudge"/>).
/// </summary>
internal sealed class MachineStateGate(int tenantCpu, int agentCpu)
{
    /// <summary>The share of the best copy rate a reading needs to count as the fast state.</summary>
    public const double FastFraction = 0.4;

    /// <summary>The multiple of the shortest core-to-core round trip a reading may take and still count as the fast state.</summary>
    public const double CoreToCoreFactor = 2;

    private const int CalibrationReadings = 10;

    /// <summary>The longest <see cref="AwaitFastAsync"/> waits; slow stretches here last seconds to a minute.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan ReadingGap = TimeSpan.FromMilliseconds(250);
    private double _best;
    private double _shortestCoreToCore = double.PositiveInfinity;

    /// <summary>What a reading needs now to count as fast.</summary>
    public MachineBars Bars => new(_best * FastFraction, _shortestCoreToCore * CoreToCoreFactor);

    /// <summary>Reads both probes (between runs, while no peer runs).</summary>
    public MachineReading Read() =>
        new(CoreToCore.RoundTripNanoseconds(tenantCpu, agentCpu), CrossCoreCopy.FramesPerSecond(tenantCpu, agentCpu));

    /// <summary>The best copy rate read so far, in frames per second (the JSON records it).</summary>
    public double Best => _best;

    /// <summary>The shortest core-to-core round trip read so far, in ns (the JSON records it).</summary>
    public double ShortestCoreToCore => _shortestCoreToCore;

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
    public static bool CanJudge(MachineReading r) => !double.IsNaN(r.CopyFramesPerSecond) && !double.IsNaN(r.CoreToCoreNs);

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
        progress.WriteLine($"  machine slow (copy {r.CopyFramesPerSecond / 1e6:0.0} Mfps, core-to-core {r.CoreToCoreNs:0} ns; {Bars}): waiting up to {LongestWait.TotalSeconds:0} s");
        while (!Meets(r) && CanJudge(r) && waited.Elapsed < LongestWait)
        {
            await Task.Delay(ReadingGap, cancel);
            r = Read();
            Note(r);
        }
        if (CanJudge(r) && !Meets(r)) progress.WriteLine($"  still slow after {waited.Elapsed.TotalSeconds:0} s");
        return r;
    }

    /// <summary>
    /// Whether a run met the fast state (<see cref="MachineBars.RunMeets"/>), judged by the readings
    /// before and after it, each moving the bars first if it is the best yet, and the round trips
    /// sampled during it (<paramref name="inRun"/>, ns). In-run samples do not move the bars: they are
    /// short (64 round trips) and taken while the pollers run.
    /// </summary>
    public bool IsFast(MachineReading before, MachineReading after, IReadOnlyCollection<double>? inRun = null)
    {
        Note(before);
        Note(after);
        return Bars.RunMeets(before, after, inRun ?? []);
    }

    private void Note(MachineReading r)
    {
        if (r.CopyFramesPerSecond > _best) _best = r.CopyFramesPerSecond;
        if (r.CoreToCoreNs < _shortestCoreToCore) _shortestCoreToCore = r.CoreToCoreNs;
    }

    /// <summary>Whether <paramref name="r"/> meets the bars as they stand (never for NaN).</summary>
    public bool Meets(MachineReading r) => Bars.Meets(r);
}
