namespace Descsock.Host.Bench;

/// <summary>
/// CPU time a process has run, summed over its threads from <c>/proc/PID/task/TID/schedstat</c>
/// (nanoseconds on the CPU; finer than utime/stime's clock ticks, which matters when measuring
/// idle processes that run for microseconds at a time).
/// </summary>
internal static class ProcessCpuTime
{
    /// <summary>Nanoseconds process <paramref name="pid"/> has spent running, over its live threads.</summary>
    public static long Nanoseconds(int pid)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string text;
            try { text = File.ReadAllText(Path.Combine(task, "schedstat")); }
            catch (IOException) { continue; } // the thread ended meanwhile
            catch (UnauthorizedAccessException) { continue; }
            int space = text.IndexOf(' ');
            if (space > 0 && long.TryParse(text.AsSpan(0, space), out long ns)) total += ns;
        }
        return total;
    }
}
