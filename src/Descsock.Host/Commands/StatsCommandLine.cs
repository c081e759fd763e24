using System.CommandLine;
using Descsock.Agent;
using Descsock.Host.Stats;
namespace Descsock.Host.Commands;

/// <summary><c>descsock stats</c>: a running agent's per-service counters.</summary>
internal static class StatsCommandLine
{
    public static Command Create()
    {
        var socket = CliOptions.Path("--socket",
            $"The agent's master socket; the counters are read from its stats socket beside it, PATH{AgentSettings.StatsSuffix}. One of --socket and --stats-socket is required.");
        var statsSocket = CliOptions.Path("--stats-socket",
            "The agent's stats socket itself, when its configuration moves it (Agent:StatsSocketPath); takes precedence over --socket.");
        var json = new Option<bool>("--json") { Description = "Print the agent's JSON document as it is, instead of a table." };

        var command = new Command("stats",
            "Prints a running agent's per-service counters: svc_id, mode, state (in-use or idle), frames and bytes in " +
            "(from tenants) and out (to tenants), drops (invalid, no room, sink). Exits 3 if no agent answers on the stats socket.")
        {
            socket, statsSocket, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(socket) is null && result.GetResult(statsSocket) is null)
                result.AddError("option --socket (or --stats-socket) is required");
        });
        command.SetAction(async result =>
        {
            var stdout = result.InvocationConfiguration.Output;
            string path = result.GetValue(statsSocket) ?? result.GetRequiredValue(socket) + AgentSettings.StatsSuffix;
            string answer = await StatsClient.FetchAsync(path, TimeSpan.FromSeconds(5));
            var document = StatsDocument.Parse(answer, path); // checked even for --json: garbage is an error, not output
            if (result.GetValue(json)) stdout.WriteLine(answer.TrimEnd());
            else StatsTable.Write(document, stdout);
            return ExitCodes.Success;
        });
        return command;
    }
}
