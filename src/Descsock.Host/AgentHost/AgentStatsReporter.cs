using Akka.Actor;
using Akka.Hosting;
using Descsock.Agent;
using Descsock.Hosting;
using Descsock.Host.Stats;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
namespace Descsock.Host.AgentHost;

/// <summary>Logs every service's counters periodically, and once more at shutdown.</summary>
internal sealed partial class AgentStatsReporter(IRequiredActor<DescsockAgent> agent, AgentSettings settings,
    ILogger<AgentStatsReporter> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var actor = await agent.GetAsync(stoppingToken);
        try
        {
            await actor.Ask<Agent.Agent.Stats>(Agent.Agent.GetStats.Instance, TimeSpan.FromSeconds(10), stoppingToken);
        }
        catch (Exception e) when (e is DescsockException or AskTimeoutException or OperationCanceledException)
        {
            return; // the agent did not start; AgentCommand reports why and stops the host
        }
        LogListening(log, settings.SocketPath, settings.Services.Count);
        if (settings.StatsInterval <= TimeSpan.Zero) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(settings.StatsInterval, stoppingToken);
                await Report(actor);
            }
        }
        catch (OperationCanceledException)
        {
            await Report(actor);
        }
    }

    private async Task Report(IActorRef actor)
    {
        try
        {
            var stats = await actor.Ask<Agent.Agent.Stats>(Agent.Agent.GetStats.Instance, TimeSpan.FromSeconds(2));
            foreach (var s in stats.Services.Values)
                LogService(log, s.SvcId, StatsDocument.ModeName(s.Mode), StatsDocument.StateName(s.InUse), s.FramesIn, s.BytesIn, s.FramesOut, s.BytesOut, s.DropsInvalid, s.DropsNoRoom, s.DropsSink);
        }
        catch (Exception e) when (e is AskTimeoutException or ActorNotFoundException or TaskCanceledException or DescsockException)
        {
            // Not started (AgentCommand reports why) or shutting down: nothing to report.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "descsock agent listening on {Socket} with {Count} services")]
    private static partial void LogListening(ILogger log, string socket, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "svc {SvcId} {Mode} {State}: in {FramesIn} frames / {BytesIn} B, out {FramesOut} frames / {BytesOut} B, drops invalid {Invalid} no-room {NoRoom} sink {Sink}")]
    private static partial void LogService(ILogger log, uint svcId, string mode, string state, long framesIn, long bytesIn,
        long framesOut, long bytesOut, long invalid, long noRoom, long sink);
}
