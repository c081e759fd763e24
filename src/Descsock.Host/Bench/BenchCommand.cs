namespace Descsock.Host.Bench;

/// <summary><c>descsock bench</c>: runs the workloads over the pairs and prints one table.</summary>
public static class BenchCommand
{
    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static Task<int> RunAsync(BenchSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        _ = settings; _ = stdout; _ = cancel;
        stderr.WriteLine("descsock bench: not implemented yet (issue #5)");
        return Task.FromResult(1);
    }
}
