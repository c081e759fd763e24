using System.Diagnostics;
namespace Descsock.Host.Bench;

/// <summary>
/// A bound for the benchmark's spin loops: a frame lost on the way would make a loop that waits
/// for it spin forever. Static and allocation-free, so the allocation workload does not count it.
/// </summary>
internal static class BenchDeadline
{
    /// <summary>A deadline one second from now.</summary>
    public static long OneSecond() => Stopwatch.GetTimestamp() + Stopwatch.Frequency;

    /// <summary>Throws once <paramref name="deadline"/> has passed.</summary>
    public static void Check(long deadline, string waitingFor)
    {
        if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"waited a second for {waitingFor}");
    }
}
