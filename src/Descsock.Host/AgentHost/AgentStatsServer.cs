using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using Descsock.Agent;
using Descsock.Hosting;
using Descsock.Host.Stats;
using Descsock.Interop;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
namespace Descsock.Host.AgentHost;

/// <summary>
/// Serves the agent's per-service counters on a Unix stream socket (<see cref="AgentSettings.StatsSocketPath"/>,
/// mode 0660 like the master socket): each connection gets one <see cref="StatsDocument"/> and is
/// closed. Control path, not data path: ordinary async sockets. Every connection is answered on
/// its own task with a deadline, so a client that connects and never reads holds up nobody.
/// </summary>
internal sealed partial class AgentStatsServer(IRequiredActor<DescsockAgent> agent, AgentSettings settings,
    ILogger<AgentStatsServer> log) : BackgroundService
{
    /// <summary>How long one connection may take: the actor's answer plus the write.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(2);

    private const int ENXIO = 6; // open(2) on a socket file

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string path = settings.ResolveStatsSocketPath();
        IActorRef actor;
        Socket listener;
        try
        {
            actor = await agent.GetAsync(stoppingToken);
            // Answered only once the agent's PreStart has bound the master socket: a stats socket
            // that answers means tenants can connect. An agent that failed to start answers with
            // its failure, and then there is nothing to serve (AgentCommand reports why).
            await actor.Ask<Agent.Agent.Stats>(Agent.Agent.GetStats.Instance, TimeSpan.FromSeconds(10), stoppingToken);
            listener = Bind(path);
        }
        catch (Exception e) when (e is OperationCanceledException or DescsockException or AskTimeoutException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException or ArgumentException)
        {
            // Tenants matter more than counters: log it and keep the agent serving (a path too
            // long for sockaddr_un is an ArgumentException).
            LogBindFailed(log, path, e.Message);
            return;
        }
        LogServing(log, path);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Socket connection;
                try
                {
                    connection = await listener.AcceptAsync(stoppingToken);
                }
                catch (SocketException e)
                {
                    // EMFILE and friends pass; back off rather than spin on them.
                    LogAcceptFailed(log, path, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }
                _ = AnswerAsync(connection, actor, path, stoppingToken); // fire and forget: it owns the connection and its deadline
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            listener.Dispose();
            try { File.Delete(path); } catch (IOException) { }
        }
    }

    /// <summary>Asks the agent for its counters, writes them, closes; every failure is logged, none thrown.</summary>
    private async Task AnswerAsync(Socket connection, IActorRef actor, string path, CancellationToken stoppingToken)
    {
        using var _ = connection;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(AnswerTimeout);
        try
        {
            var stats = await actor.Ask<Descsock.Agent.Agent.Stats>(Descsock.Agent.Agent.GetStats.Instance, AnswerTimeout, deadline.Token);
            ReadOnlyMemory<byte> json = StatsDocument.From(settings.SocketPath, stats).ToUtf8Json();
            while (!json.IsEmpty) json = json[await connection.SendAsync(json, SocketFlags.None, deadline.Token)..];
            connection.Shutdown(SocketShutdown.Send);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: the client sees the connection close
        }
        catch (Exception e) // nobody awaits this task: whatever went wrong ends here, in the log
        {
            LogAnswerFailed(log, path, e.GetType().Name, e.Message);
        }
    }

    /// <summary>Binds and listens at <paramref name="path"/> (mode 0660); a stale socket file is replaced, anything else is refused.</summary>
    private static Socket Bind(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (File.Exists(path)) RemoveStaleSocket(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            listener.Listen(16);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Removes a stats socket left by an agent that died; refuses a live agent's socket or any other file.</summary>
    private static void RemoveStaleSocket(string path)
    {
        int fd = Libc.Open(path, Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0); // a socket cannot be opened: ENXIO
        if (fd >= 0)
        {
            Libc.Close(fd);
            throw new IOException($"'{path}' exists and is not a socket");
        }
        int errno = Errno.Last;
        if (errno != ENXIO) throw new IOException($"cannot inspect '{path}' ({DescsockException.ErrnoName(errno)})");
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path); // nobody answers: stale
            return;
        }
        throw new IOException($"another agent serves counters on '{path}'");
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "serving per-service counters on {Socket}")]
    private static partial void LogServing(ILogger log, string socket);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "cannot serve counters on {Socket}: {Reason}; `descsock stats` will not reach this agent")]
    private static partial void LogBindFailed(ILogger log, string socket, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "accept on {Socket} failed: {Reason}")]
    private static partial void LogAcceptFailed(ILogger log, string socket, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "could not answer a client of {Socket}: {Kind}: {Reason}")]
    private static partial void LogAnswerFailed(ILogger log, string socket, string kind, string reason);
}
