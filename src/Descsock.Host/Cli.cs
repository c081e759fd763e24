using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Descsock.Host.Commands;
namespace Descsock.Host;

/// <summary>
/// The <c>descsock</c> command line on System.CommandLine: <c>agent</c>, <c>ping</c>,
/// <c>bench</c>, <c>capture</c>, <c>stats</c>, each with <c>--help</c>. Exit codes are
/// <see cref="ExitCodes"/>: 0 success, 1 the run failed its check, 2 bad arguments, 3 could
/// not reach the agent (the errno is printed), 130 Ctrl+C.
/// </summary>
public static class Cli
{
    /// <summary>
    /// How arguments are read. No response files: <c>@name</c> is an abstract socket
    /// (<c>--socket @agent</c>), not a file of further arguments.
    /// </summary>
    internal static ParserConfiguration ParserConfiguration => new() { ResponseFileTokenReplacer = null };

    /// <summary>
    /// The root command. A plain <see cref="Command"/> named <c>descsock</c> rather than a
    /// <see cref="RootCommand"/>, whose name is the host process's (<c>testhost</c> under the tests).
    /// </summary>
    internal static Command BuildRoot(int helpWidth = 100) => new("descsock",
        "descsock — the DMA agent and tenant tools of the descsock shared-memory Ethernet datapath (memif wire protocol). " +
        "Run 'descsock COMMAND --help' for a command's options.\n\n" + ExitCodes.Table)
    {
        new HelpOption { Action = new HelpAction { MaxWidth = helpWidth } },
        AgentCommandLine.Create(),
        PingCommandLine.Create(),
        new BenchCommandLine().Command,
        CaptureCommandLine.Create(),
        StatsCommandLine.Create(),
    };

    /// <summary>Runs the command in <paramref name="args"/>; returns its exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot(HelpWidth(stdout));
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Exceptions become exit codes below, not a stack trace and exit 1.
            EnableDefaultExceptionHandler = false,
            // No signal handlers of System.CommandLine's: the agent's host stops itself on SIGTERM and
            // Ctrl+C, and ping, capture and bench stop in order on Ctrl+C and SIGTERM (StopSignals).
            ProcessTerminationTimeout = null,
        };
        if (args.Length == 0)
        {
            await root.Parse(["--help"], ParserConfiguration).InvokeAsync(invocation);
            return ExitCodes.BadArguments; // a command is required; the help says which
        }
        if (args[0] == "help") args = [.. args[1..], "--help"]; // "descsock help [COMMAND]", as before

        var result = root.Parse(args, ParserConfiguration);
        if (result.Errors.Count > 0) return BadArguments(result, root, stderr);
        try
        {
            return await result.InvokeAsync(invocation);
        }
        catch (ArgumentException e)
        {
            return BadArguments(result, e.Message, stderr);
        }
        catch (DescsockException e)
        {
            stderr.WriteLine($"{CommandPath(result)}: {e.Message}");
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine($"{CommandPath(result)}: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file that cannot be written, a socket directory that cannot be created.
            stderr.WriteLine($"{CommandPath(result)}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int BadArguments(ParseResult result, Command root, TextWriter stderr)
    {
        if (result.CommandResult.Command == root && result.Tokens.Count > 0 && !result.Tokens[0].Value.StartsWith('-'))
        {
            // "Required command was not provided" and "Unrecognized ... 'pnig'" say less than this.
            string commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
            return BadArguments(result, $"unknown command '{result.Tokens[0].Value}' (the commands are {commands})", stderr);
        }
        foreach (var error in result.Errors) stderr.WriteLine($"{CommandPath(result)}: {error.Message}");
        stderr.WriteLine($"Run '{CommandPath(result)} --help' for usage.");
        return ExitCodes.BadArguments;
    }

    private static int BadArguments(ParseResult result, string message, TextWriter stderr)
    {
        stderr.WriteLine($"{CommandPath(result)}: {message}");
        stderr.WriteLine($"Run '{CommandPath(result)} --help' for usage.");
        return ExitCodes.BadArguments;
    }

    /// <summary>
    /// The terminal's width, or 100 columns when the help goes to a file, a pipe or a test's
    /// writer (System.CommandLine would not wrap it at all).
    /// </summary>
    private static int HelpWidth(TextWriter stdout)
    {
        if (stdout != Console.Out || Console.IsOutputRedirected) return 100;
        try
        {
            return Console.WindowWidth >= 40 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    /// <summary>"descsock ping": the command the messages are about.</summary>
    private static string CommandPath(ParseResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result.CommandResult; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Insert(0, c.Command.Name);
        return string.Join(' ', names);
    }
}
