namespace Descsock.Host.Bench;

/// <summary>
/// CPU time a process has used, user plus system, from <c>/proc/PID/stat</c>: it includes
/// threads that have exited meanwhile (a sum over live threads would not, and thread-pool
/// threads come and go), in clock ticks of 10 ms, so measure over seconds.
/// </summary>
internal static class ProcessCpuTime
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux x86-64

    /// <summary>Nanoseconds process <paramref name="pid"/> has spent on a CPU, over all its threads, live or ended.</summary>
    public static long Nanoseconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14, 15)
        return (long)(ticks / TicksPerSecond * 1e9);
    }
}
