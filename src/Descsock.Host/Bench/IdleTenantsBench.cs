using System.Diagnostics;
namespace Descsock.Host.Bench;

/// <summary>
/// CPU use of many connected tenants that send nothing: <see cref="BenchSettings.IdleTenantCount"/>
/// C# tenants (each with its SEP worker) registered with our agent, measured over
/// <see cref="BenchSettings.Duration"/> (at least 20 s) per run once they have settled, as CPU
/// time from <c>/proc/PID/stat</c> of the tenant process (this one) and of the agent process,
/// in percent of one core. testpmd busy-polls by design (100 % of a core per forwarding lcore
/// even when idle), so there is no reference row.
/// </summary>
internal sealed class IdleTenantsBench(BenchPeers peers)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A run lasts at least 20 s: CPU time comes in 10 ms ticks, so 1 % of a core over 20 s is 20 of
    /// them, and the figure's step is 0.05 %. Over 5 s it was 0.2 %, too coarse for a 1 % target.
    /// </summary>
    private static TimeSpan Window(TimeSpan duration) => duration < MinimumWindow ? MinimumWindow : duration;

    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(20);

    /// <summary>Opens the tenants, waits for them to settle, and measures.</summary>
    public async Task<BenchFigure> MeasureAsync(IProgress<string> progress, CancellationToken cancel)
    {
        var settings = peers.Settings;
        int count = settings.IdleTenantCount;
        await using var agent = await peers.OurAgentAsync(cancel, idleServices: count);
        var sockets = new List<DescsockSocket>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets.Add(await BenchPeers.OurTenantAsync(agent.SocketPath, BenchAgent.IdleBaseId + (uint)i, cancel));
                if ((i + 1) % 64 == 0) progress.Report($"{i + 1} of {count} idle tenants connected");
            }
            await Task.Delay(Settle, cancel);
            var tenantCpu = new List<double>(); var agentCpu = new List<double>(); var total = new List<double>();
            for (int r = 0; r < settings.Runs; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                long tenant0 = ProcessCpuTime.Nanoseconds(Environment.ProcessId), agent0 = ProcessCpuTime.Nanoseconds(agent.Pid);
                await Task.Delay(Window(settings.Duration), cancel);
                long tenant1 = ProcessCpuTime.Nanoseconds(Environment.ProcessId), agent1 = ProcessCpuTime.Nanoseconds(agent.Pid);
                double wallNs = (Stopwatch.GetTimestamp() - t0) * 1e9 / Stopwatch.Frequency;
                tenantCpu.Add(100 * (tenant1 - tenant0) / wallNs);
                agentCpu.Add(100 * (agent1 - agent0) / wallNs);
                total.Add(tenantCpu[^1] + agentCpu[^1]);
            }
            return new BenchFigure(BenchWorkload.IdleTenants, BenchPair.Ours, null, $"{count} tenants",
            [
                new BenchMetric("total", "% of a core", total, HigherIsBetter: false),
                new BenchMetric("tenants", "% of a core", tenantCpu, HigherIsBetter: false),
                new BenchMetric("agent", "% of a core", agentCpu, HigherIsBetter: false),
            ]) { Note = "tenant process includes the benchmark's own idle threads" };
        }
        finally
        {
            foreach (var s in sockets) await s.DisposeAsync();
        }
    }
}
