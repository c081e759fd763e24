namespace Descsock.Host.Commands;

/// <summary>
/// What <c>descsock</c>'s exit status means, the same for every command, so that scripts can
/// tell "the check failed" from "you called it wrong" from "there is no agent".
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked (the agent: stopped by SIGTERM or Ctrl+C).</summary>
    public const int Success = 0;

    /// <summary>The run failed its check (ping lost or damaged frames), or could not start (the agent) or finish (a file could not be written).</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments: an unknown option, a missing required one, a malformed or out-of-range value, a bad configuration file.</summary>
    public const int BadArguments = 2;

    /// <summary>No agent to talk to, or it refused: a descsock errno (ENOENT, ECONNREFUSED, EACCES, EADDRINUSE, ETIMEDOUT, ...), printed.</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted by Ctrl+C before the run was complete (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM before the run was complete (128 + SIGTERM).</summary>
    public const int Terminated = 143;

    /// <summary>The table for the root command's help and the README.</summary>
    public const string Table = """
        Exit codes:
          0    success (the agent: stopped by SIGTERM or Ctrl+C)
          1    the run failed its check (ping lost frames), or the agent could not start
          2    bad arguments: unknown or missing option, malformed or out-of-range value,
               unreadable configuration
          3    no agent to talk to, or it refused: the errno is printed (ENOENT, ECONNREFUSED, ...)
          130  interrupted by Ctrl+C (ping, bench)
          143  stopped by SIGTERM (ping, bench)
        """;
}
