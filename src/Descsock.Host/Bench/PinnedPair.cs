namespace Descsock.Host.Bench;

/// <summary>
/// Two threads, one pinned to each CPU, for the probes that measure the machine between the
/// benchmark's runs (<see cref="CoreToCore"/>, <see cref="CrossCoreCopy"/>). A thread that fails
/// (it cannot pin itself, say) makes the probe's measurement fail, not the process: its exception
/// is rethrown to the caller, and the other thread is told to stop through <paramref name="stop"/>.
/// </summary>
internal static class PinnedPair
{
    /// <summary>Runs <paramref name="first"/> pinned to <paramref name="cpuA"/> and <paramref name="second"/> to <paramref name="cpuB"/>; returns when both ended.</summary>
    public static void Run(string name, int cpuA, Action first, int cpuB, Action second, Action stop)
    {
        Exception? failed = null;
        var b = Start(cpuB, second, "b");
        var a = Start(cpuA, first, "a");
        a.Join();
        b.Join(TimeSpan.FromSeconds(2)); // it ends when told, once it runs at all
        if (failed is not null) throw new InvalidOperationException($"{name} probe: {failed.Message}", failed);

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
