namespace Descsock.Host.Bench;

/// <summary>One measured quantity of a figure: its value in each run, and their median and range.</summary>
internal sealed record BenchMetric(string Name, string Unit, IReadOnlyList<double> Runs, bool HigherIsBetter = true)
{
    /// <summary>The median of the runs (the figure the table shows).</summary>
    public double Median => Percentile.Median(Runs);
    /// <summary>The smallest run.</summary>
    public double Min => Runs.Count == 0 ? double.NaN : Runs.Min();
    /// <summary>The largest run.</summary>
    public double Max => Runs.Count == 0 ? double.NaN : Runs.Max();
}

/// <summary>
/// One row of the benchmark: a workload over a pair, at a frame size and in a mode where they
/// apply. <see cref="RatioMetric"/> names the metric compared with the reference pair's; an
/// <see cref="Error"/> says why a figure could not be measured (the row then has no metrics).
/// </summary>
internal sealed record BenchFigure(BenchWorkload Workload, BenchPair Pair, int? Size, string? Mode, IReadOnlyList<BenchMetric> Metrics)
{
    /// <summary>The metric compared across pairs, or null when the workload has no reference row.</summary>
    public string? RatioMetric { get; init; }
    /// <summary>What the reader should know about how the figure was obtained.</summary>
    public string? Note { get; init; }
    /// <summary>Why the figure is missing: the measurement failed.</summary>
    public string? Error { get; init; }
    /// <summary>Why the pair cannot be measured this way at all (not a failure).</summary>
    public string? NotApplicable { get; init; }

    /// <summary>The metric named <paramref name="name"/>, or null.</summary>
    public BenchMetric? Metric(string name) => Metrics.FirstOrDefault(m => m.Name == name);

    /// <summary>A figure this pair cannot have, with the reason.</summary>
    public static BenchFigure Inapplicable(BenchWorkload workload, BenchPair pair, int? size, string? mode, string reason) =>
        new(workload, pair, size, mode, []) { NotApplicable = reason };

    /// <summary>A figure that could not be measured, with the reason.</summary>
    public static BenchFigure Failed(BenchWorkload workload, BenchPair pair, int? size, string? mode, string error) =>
        new(workload, pair, size, mode, []) { Error = error };
}
