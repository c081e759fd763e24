namespace Descsock.Host.Bench;

/// <summary>
/// Two threads, one pinned to each CPU, for the probes that measure the machine between the
/// benchmark's runs (<see cref="CoreToCore"/>, <see cref="CrossCoreCopy"/>). A thread that fails
/// (it cannot pin itself, say) makes the probe's measurement fail, not the process: its exception
/// is rethrown to the caller, and the other thread is told to stop through <c>stop</c>.
/// </summary>
internal static class PinnedPair
{
    /// <summary>How long the first thread may take, start to end: the probes' own deadlines are about a second.</summary>
    private static readonly TimeSpan FirstBound = TimeSpan.FromSeconds(10);

    /// <summary>How long the second may take to end after the first did (it ends when told, once it runs at all).</summary>
    private static readonly TimeSpan SecondBound = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs <paramref name="first"/> pinned to <paramref name="cpuA"/> and <paramref name="second"/> to
    /// <paramref name="cpuB"/>. Returns true when both ended; false when one had not within its
    /// bound: it may still run, so the caller must leave the memory the threads use allocated, and
    /// has no reading.
    /// </summary>
    public static bool Run(string name, int cpuA, Action first, int cpuB, Action second, Action stop)
    {
        Exception? failed = null;
        var b = Start(cpuB, second, "b");
        var a = Start(cpuA, first, "a");
        bool firstEnded = a.Join(FirstBound);
        stop(); // the second ends when told; telling it again after the first did is harmless
        if (!(b.Join(SecondBound) && firstEnded)) return false;
        if (failed is not null) throw new InvalidOperationException($"{name} probe: {failed.Message}", failed);
        return true;

        Thread Start(int cpu, Action body, string which)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    CpuPinning.PinCurrentThread(cpu);
                    body();
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failed, e, null);
                    stop();
                }
            }) { IsBackground = true, Name = $"bench-{name}-{which}" };
            thread.Start();
            return thread;
        }
    }
}
