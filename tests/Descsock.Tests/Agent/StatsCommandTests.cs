using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Descsock.Host;
using Descsock.Host.Ping;
using Descsock.Interop;
using Descsock.Native;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>
/// <c>descsock stats</c> against the real agent process: counters served on the stats socket,
/// as JSON and as a table; the errno when no agent answers; the socket file gone after SIGTERM.
/// </summary>
[Collection("testpmd")]
public class StatsCommandTests(ITestOutputHelper output)
{
    private static readonly object[] EchoAndSink = [new { SvcId = 0, Mode = "Echo" }, new { SvcId = 2, Mode = "Sink" }];

    [Fact]
    public async Task Stats_command_reports_the_echo_services_counters_from_the_running_agent_and_SIGTERM_removes_the_socket()
    {
        await using var agent = await AgentProcess.StartAsync(EchoAndSink);
        var spec = new DescsockClientSpec
        {
            MasterSocketPath = agent.SocketPath,
            SvcId = 0,
            DmaShmemPath = Path.Combine("/dev/shm", $"dst-{Guid.NewGuid():N}"),
        };
        using (var tenant = DescsockSocket.Open(spec))
        {
            // 128-byte frames, CRC included: the agent counts 124 bytes each.
            var r = Pinger.Run(tenant, new PingOptions { Spec = spec, Count = 1000, MinSize = 128, MaxSize = 128 });
            Assert.True(r.Success, r.ToString());
        }
        // A client that connects and never reads must not hold up the next one.
        using var idle = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await idle.ConnectAsync(new UnixDomainSocketEndPoint(agent.StatsSocketPath));

        var (exit, stdout, stderr) = await AgentProcess.RunDescsockAsync("stats", "--socket", agent.SocketPath, "--json");
        output.WriteLine(stdout);
        Assert.True(exit == 0, $"descsock stats --json exited {exit}: {stderr}\nagent log:\n{agent.Output}");
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(agent.SocketPath, json.RootElement.GetProperty("agent").GetString());
        var services = json.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal([0u, 2u], services.Select(s => s.GetProperty("svcId").GetUInt32()));
        var echo = services[0];
        Assert.Equal("echo", echo.GetProperty("mode").GetString());
        Assert.Equal((1000L, 1000L), (echo.GetProperty("framesIn").GetInt64(), echo.GetProperty("framesOut").GetInt64()));
        Assert.Equal((124_000L, 124_000L), (echo.GetProperty("bytesIn").GetInt64(), echo.GetProperty("bytesOut").GetInt64()));
        Assert.Equal((0L, 0L, 0L),
            (echo.GetProperty("dropsInvalid").GetInt64(), echo.GetProperty("dropsNoRoom").GetInt64(), echo.GetProperty("dropsSink").GetInt64()));
        Assert.Equal("sink", services[1].GetProperty("mode").GetString());

        var (tableExit, table, tableErr) = await RunInProcessAsync("stats", "--socket", agent.SocketPath);
        output.WriteLine(table);
        Assert.True(tableExit == 0, tableErr);
        Assert.Matches(new Regex(@"^\s*svc_id\s+mode\s+state\s+frames_in\s+bytes_in\s+frames_out\s+bytes_out\s+drops_invalid\s+drops_no_room\s+drops_sink$",
            RegexOptions.Multiline), table);
        Assert.Matches(new Regex(@"^\s*0\s+echo\s+(idle|in-use)\s+1000\s+124000\s+1000\s+124000\s+0\s+0\s+0$", RegexOptions.Multiline), table);
        Assert.Matches(new Regex(@"^\s*2\s+sink\s+idle\s+0\s+0\s+0\s+0\s+0\s+0\s+0$", RegexOptions.Multiline), table);

        // The periodic log line says the mode and state in words.
        Assert.True(await agent.LogsAsync("svc 0 echo idle: in 1000 frames / 124000 B"), agent.Output);

        Assert.Equal(0, await agent.TerminateAsync());
        Assert.False(File.Exists(agent.StatsSocketPath), $"the agent left {agent.StatsSocketPath} behind:\n{agent.Output}");
        Assert.False(File.Exists(agent.SocketPath), "the agent left its master socket behind");
    }

    [Fact]
    public async Task A_configured_stats_socket_replaces_a_stale_one_and_is_reached_with_stats_socket()
    {
        await using var agent = await AgentProcess.StartAsync(EchoAndSink, "counters.sock", LeaveStaleSocket);
        var (exit, stdout, stderr) = await RunInProcessAsync("stats", "--stats-socket", agent.StatsSocketPath, "--json");
        Assert.True(exit == 0, $"{stderr}\nagent log:\n{agent.Output}");
        using (var json = JsonDocument.Parse(stdout))
            Assert.Equal(2, json.RootElement.GetProperty("services").GetArrayLength());

        // The master socket's default companion does not exist: the setting moved it.
        var (defaultExit, _, defaultErr) = await RunInProcessAsync("stats", "--socket", agent.SocketPath);
        Assert.Equal(3, defaultExit);
        Assert.Contains("ENOENT", defaultErr);

        Assert.Equal(0, await agent.TerminateAsync());
        Assert.False(File.Exists(agent.StatsSocketPath), $"the agent left {agent.StatsSocketPath} behind");
    }

    [Fact]
    public async Task Stats_command_without_an_agent_exits_3_naming_ENOENT()
    {
        var (exit, _, stderr) = await AgentProcess.RunDescsockAsync("stats", "--socket", "/nonexistent");
        Assert.Equal(3, exit);
        Assert.Contains("ENOENT", stderr);
        Assert.Contains("/nonexistent.stats", stderr);
    }

    [Fact]
    public async Task Stats_command_on_a_dead_agents_socket_exits_3_naming_ECONNREFUSED()
    {
        string dir = Directory.CreateTempSubdirectory("dss-").FullName;
        try
        {
            string path = Path.Combine(dir, "agent.sock.stats");
            LeaveStaleSocket(path);
            var (exit, _, stderr) = await RunInProcessAsync("stats", "--socket", Path.Combine(dir, "agent.sock"));
            Assert.Equal(3, exit);
            Assert.Contains("ECONNREFUSED", stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// A socket file nobody listens on: what an agent killed with SIGKILL leaves. Raw bind and
    /// close, because a .NET <see cref="Socket"/> unlinks the file it bound when disposed.
    /// </summary>
    private static unsafe void LeaveStaleSocket(string path)
    {
        int fd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0);
        Assert.True(fd >= 0, $"socket: errno {Errno.Last}");
        byte* address = stackalloc byte[112];
        int length = UnixAddress.Encode(path, new Span<byte>(address, 112));
        int bound = Libc.Bind(fd, address, length);
        int errno = Errno.Last;
        Libc.Close(fd);
        Assert.True(bound == 0, $"bind {path}: errno {errno}");
        Assert.True(File.Exists(path));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunInProcessAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await Cli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
