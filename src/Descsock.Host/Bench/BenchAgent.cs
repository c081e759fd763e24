using System.Diagnostics;
using System.Text.Json;
using Descsock.Host.Peers;
using Descsock.Host.Stats;
namespace Descsock.Host.Bench;

/// <summary>
/// Our agent as the benchmark runs it: <c>descsock agent</c> in a child process pinned to the
/// agent's CPU (<c>taskset</c>), with a generated configuration in a temporary directory: a sink,
/// an echo and a source per frame size. Counters come from its stats socket, as
/// <c>descsock stats</c> reads them.
/// </summary>
internal sealed class BenchAgent : IAsyncDisposable
{
    /// <summary>The sink service (tenant → agent).</summary>
    public const uint SinkId = 0;
    /// <summary>The echo service.</summary>
    public const uint EchoId = 1;
    /// <summary>The first of the idle tenants' echo services.</summary>
    public const uint IdleBaseId = 10_000;

    private readonly Process _process;
    private readonly ProcessOutput _output;
    private readonly string _directory;

    private BenchAgent(Process process, string directory)
    {
        _process = process;
        _directory = directory;
        _output = new ProcessOutput(process);
    }

    /// <summary>The master socket tenants connect to.</summary>
    public string SocketPath => Path.Combine(_directory, "agent.sock");

    /// <summary>The agent's process id (for its CPU time).</summary>
    public int Pid => _process.Id;

    /// <summary>The source service that generates <paramref name="size"/>-byte frames.</summary>
    public static uint SourceId(int size) => 1000 + (uint)size;

    /// <summary>Starts an agent pinned to <paramref name="cpu"/> with sources for <paramref name="sizes"/> and <paramref name="idleServices"/> extra echo services; returns once its stats socket answers.</summary>
    public static async Task<BenchAgent> StartAsync(int cpu, IEnumerable<int> sizes, int idleServices, CancellationToken cancel)
    {
        string dir = Directory.CreateTempSubdirectory("descsock-bench-").FullName;
        var services = new List<object> { new { SvcId = SinkId, Mode = "Sink" }, new { SvcId = EchoId, Mode = "Echo" } };
        foreach (int size in sizes.Distinct()) services.Add(new { SvcId = SourceId(size), Mode = "Source", FrameSize = size });
        for (uint i = 0; i < idleServices; i++) services.Add(new { SvcId = IdleBaseId + i, Mode = "Echo" });
        // Stats every hour: the periodic log line would only disturb the measurement.
        var config = new { Agent = new { Services = services, StatsInterval = "01:00:00", MaxPendingHandshakes = 1024 } };
        string configPath = Path.Combine(dir, "agent.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config), cancel);
        var psi = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", cpu.ToString(), "dotnet", Path.Combine(AppContext.BaseDirectory, "descsock.dll"), "agent",
                     "--config", configPath, "--socket", Path.Combine(dir, "agent.sock") })
            psi.ArgumentList.Add(a);
        var agent = new BenchAgent(Process.Start(psi)!, dir);
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50, cancel))
        {
            if (agent._process.HasExited) break;
            try
            {
                await agent.CountersAsync(SinkId);
                return agent;
            }
            catch (DescsockException) { } // not listening yet
        }
        string output = agent.Output;
        await agent.DisposeAsync();
        throw new InvalidOperationException($"descsock agent did not start:\n{output}");
    }

    /// <summary>Everything the agent printed.</summary>
    public string Output => _output.Text;

    /// <summary>The counters of service <paramref name="svcId"/> now, and the timestamp between asking and answering.</summary>
    public async Task<(StatsDocument.Service Counters, long Timestamp)> CountersAsync(uint svcId)
    {
        long before = Stopwatch.GetTimestamp();
        string json = await StatsClient.FetchAsync(SocketPath + Agent.AgentSettings.StatsSuffix, TimeSpan.FromSeconds(5));
        long after = Stopwatch.GetTimestamp();
        var doc = StatsDocument.Parse(json, SocketPath);
        var service = doc.Services.FirstOrDefault(s => s.SvcId == svcId)
                      ?? throw new InvalidOperationException($"the agent has no service {svcId}");
        return (service, before + (after - before) / 2);
    }

    /// <summary>Stops the agent with SIGTERM (then SIGKILL after 10 s) and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", $"-TERM {_process.Id}")) await kill!.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
