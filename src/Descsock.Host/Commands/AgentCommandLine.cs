using System.CommandLine;
using Descsock.Host.AgentHost;
namespace Descsock.Host.Commands;

/// <summary><c>descsock agent</c>: the software DMA agent.</summary>
internal static class AgentCommandLine
{
    /// <summary>The configuration section every setting must be in: the only one the agent reads.</summary>
    private const string SettingPrefix = "--Agent:";

    public static Command Create()
    {
        var config = CliOptions.Text("--config",
            "The JSON configuration; every key is described in config/README.md. " +
            "Default: config/agent.json beside the executable if it is there, else in the current directory.", "FILE");
        config.Validators.Add(result =>
        {
            string? path = result.GetValueOrDefault<string?>();
            if (path is not null && !File.Exists(path)) result.AddError($"option --config: '{path}' does not exist");
        });
        var socket = CliOptions.Path("--socket",
            "The master socket tenants connect to (created with mode 0660); overrides Agent:SocketPath. Default: the configuration's, else /run/descsock/agent.sock.");

        // Configuration, not options: System.CommandLine hands over the tokens it does not know as these.
        var settings = new Argument<string[]>("settings")
        {
            Description = "Any setting of config/README.md, as --Agent:Key=value or --Agent:Key value " +
                          "(e.g. --Agent:StatsInterval=00:00:05, --Agent:Services:0:Mode=Sink). Default: the file's.",
            HelpName = "SETTING",
            Arity = ArgumentArity.ZeroOrMore,
        };
        settings.Validators.Add(result =>
        {
            if (CheckSettings(result.GetValueOrDefault<string[]?>() ?? []) is string error) result.AddError(error);
        });

        var command = new Command("agent",
            "Runs the software DMA agent: listens on the master socket and serves the services of the configuration until " +
            "SIGTERM or Ctrl+C (then exits 0), logging per-service counters every Agent:StatsInterval and serving them to " +
            "'descsock stats'. Settings come from the file, then DESCSOCK_Agent__Key environment variables, then " +
            "--Agent:Key=value arguments, then --socket. " +
            "Exits 1 if the agent cannot start (socket path in use, TAP interface refused), 2 if the configuration is unreadable.")
        {
            config, socket, settings,
        };
        command.SetAction((result, cancel) => AgentCommand.RunAsync(
            result.GetValue(config), result.GetValue(socket), result.GetValue(settings) ?? [], result.InvocationConfiguration.Error, cancel));
        return command;
    }

    /// <summary>
    /// Null if <paramref name="tokens"/> are all <c>--Agent:Key=value</c> or <c>--Agent:Key value</c>
    /// settings, else what is wrong: a mistyped option must be an error, not a setting nobody reads.
    /// </summary>
    internal static string? CheckSettings(IReadOnlyList<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (!token.StartsWith(SettingPrefix, StringComparison.OrdinalIgnoreCase) || token.Length == SettingPrefix.Length || token[SettingPrefix.Length] == '=')
                return $"unknown option or argument '{token}' (settings are given as {SettingPrefix}Key=value)";
            if (token.Contains('=', StringComparison.Ordinal)) continue;
            if (i + 1 >= tokens.Count || tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
                return $"setting {token} needs a value ({token}=value)";
            i++;
        }
        return null;
    }
}
