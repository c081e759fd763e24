using System.Diagnostics;
using System.Runtime.InteropServices;
namespace Descsock.Host.Bench;

/// <summary>
/// The machine's state, measured: how long one cache line takes to go from the tenant's CPU to the
/// agent's and back. Two threads, one pinned to each CPU, pass a counter on one line back and
/// forth, which is what every ring index and descriptor does between the two sides, and nothing
/// else. On this project's VM it reads 75–105 ns most of the time and 300–900 ns for seconds at a
/// time (the two vCPUs on far cores of the host), and every pair's rate falls with it, DPDK's too. The benchmark measures it just
/// before and just after each rate run, while no peer runs, so a run's figure can be read with
/// the state it met.
/// </summary>
internal static unsafe class CoreToCore
{
    private const int Batches = 5, RoundTripsPerBatch = 4000;

    /// <summary>Median round trip in ns over a few short batches; NaN when a thread did not run within a second.</summary>
    public static double RoundTripNanoseconds(int cpuA, int cpuB)
    {
        long* line = (long*)NativeMemory.AlignedAlloc(128, 64); // a line of its own
        bool ended = true;
        try
        {
            Volatile.Write(ref *line, 0);
            var batches = new double[Batches];
            ended = PinnedPair.Run("core-to-core", cpuA, () => Ping(line, batches), cpuB, () => Pong(line), stop: () => Volatile.Write(ref *line, -1));
            return !ended || batches.Any(double.IsNaN) ? double.NaN : Percentile.Median(batches);
        }
        finally
        {
            if (ended) NativeMemory.AlignedFree(line); // else a thread may still touch it: 128 bytes left behind
        }
    }

    /// <summary>Sends the ball (odd values) and times its return (the next even value); -1 ends the pong.</summary>
    private static void Ping(long* line, double[] batches)
    {
        long v = 0;
        var deadline = Stopwatch.StartNew();
        for (int b = 0; b < batches.Length; b++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < RoundTripsPerBatch && !double.IsNaN(batches[b]); i++)
            {
                Volatile.Write(ref *line, v + 1);
                for (int spins = 0; Volatile.Read(ref *line) != v + 2; spins++)
                    if ((spins & 0xFFF) == 0xFFF && deadline.ElapsedMilliseconds > 1000) { batches[b] = double.NaN; break; }
                v += 2;
            }
            if (double.IsNaN(batches[b])) break;
            batches[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / RoundTripsPerBatch;
        }
        Volatile.Write(ref *line, -1);
    }

    private static void Pong(long* line)
    {
        while (true)
        {
            long v = Volatile.Read(ref *line);
            if (v < 0) return;
            if ((v & 1) == 1) Volatile.Write(ref *line, v + 1);
        }
    }
}
