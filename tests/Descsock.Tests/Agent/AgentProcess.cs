using Descsock.Host.Peers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
namespace Descsock.Tests.Agent;

/// <summary>
/// The real <c>descsock agent</c> as a child process (<c>dotnet descsock.dll agent</c>), with its
/// configuration and sockets in a fresh temporary directory, and the <c>descsock</c> command to
/// run against it. Stopped with SIGTERM, as a service manager would; or frozen (SIGSTOP), killed
/// (SIGKILL) and started again in place, as a crash and a restart would.
/// </summary>
public sealed class AgentProcess : ITestAgent, IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;
    private readonly string _config;
    private readonly IReadOnlyDictionary<string, string>? _environment;
    private bool _ownsDirectory = true; // false once a restarted agent has taken the directory over

    private AgentProcess(Process process, string directory, string config, string socket, string statsSocket,
        IReadOnlyDictionary<string, string>? environment)
    {
        _environment = environment;
        _process = process;
        _config = config;
        Directory = directory;
        SocketPath = socket;
        StatsSocketPath = statsSocket;
        _output = new ProcessOutput(process);
    }

    /// <summary>The descsock executable, copied beside the tests by the project reference.</summary>
    public static string DescsockDll => Path.Combine(AppContext.BaseDirectory, "descsock.dll");

    public string Directory { get; }
    public string SocketPath { get; }
    public string StatsSocketPath { get; }

    /// <summary>The agent's process id (for <c>/proc/PID/fd</c>).</summary>
    public int Pid => _process.Id;

    /// <summary>True once the agent process has exited (a crash, when nobody stopped it).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; only meaningful once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>How many file descriptors the agent holds open right now.</summary>
    public int OpenDescriptorCount() => System.IO.Directory.GetFileSystemEntries($"/proc/{Pid}/fd").Length;

    /// <summary>What the agent printed so far (its log), for failure messages.</summary>
    public string Output => _output.Text;

    /// <summary>
    /// Starts an agent on <c>DIR/agent.sock</c> with <paramref name="services"/>, its stats socket
    /// at <c>DIR/</c><paramref name="statsSocketName"/> if given (else the default beside the master
    /// socket); <paramref name="prepare"/> sees the stats socket path first; <paramref name="settings"/>
    /// adds or overrides entries of the <c>Agent</c> section (for example <c>HandshakeTimeout</c>);
    /// <paramref name="environment"/> adds variables to the agent process's environment (kept for
    /// <see cref="RestartAsync"/>). Returns once the stats socket answers (the last thing the agent sets up). Counters are
    /// logged every second.
    /// </summary>
    public static async Task<AgentProcess> StartAsync(object[] services, string? statsSocketName = null, Action<string>? prepare = null,
        IReadOnlyDictionary<string, object>? settings = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("dsp-").FullName;
        string socket = Path.Combine(dir, "agent.sock");
        string stats = statsSocketName is null ? socket + ".stats" : Path.Combine(dir, statsSocketName);
        var agent = new Dictionary<string, object> { ["Services"] = services, ["StatsInterval"] = "00:00:01" };
        if (statsSocketName is not null) agent["StatsSocketPath"] = stats;
        foreach (var (key, value) in settings ?? new Dictionary<string, object>()) agent[key] = value;
        string config = Path.Combine(dir, "agent.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { Agent = agent }));
        prepare?.Invoke(stats);
        return await LaunchAsync(dir, config, socket, stats, environment);
    }

    /// <summary>
    /// Starts this agent's configuration again, on the same socket path, once this process has
    /// exited (see <see cref="KillAsync"/>): the restart after a crash. The new agent takes the
    /// directory over; disposing this one afterwards leaves it alone.
    /// </summary>
    public async Task<AgentProcess> RestartAsync()
    {
        Assert.True(_process.HasExited, "restart an agent only after it has exited");
        _ownsDirectory = false;
        return await LaunchAsync(Directory, _config, SocketPath, StatsSocketPath, _environment);
    }

    private static async Task<AgentProcess> LaunchAsync(string dir, string config, string socket, string stats,
        IReadOnlyDictionary<string, string>? environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { DescsockDll, "agent", "--config", config, "--socket", socket }) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        var p = new AgentProcess(Process.Start(psi)!, dir, config, socket, stats, environment);
        for (var clock = Stopwatch.StartNew(); !p._process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
            if (await Answers(stats)) return p;
        await p.DisposeAsync();
        Assert.Fail($"the agent's stats socket {stats} never answered:\n{p.Output}");
        return p;
    }

    /// <summary>A tenant spec for <paramref name="svcId"/> on this agent, with a fresh <c>/dev/shm</c> file (as <see cref="AgentFixture.Spec"/>).</summary>
    public DescsockClientSpec Spec(long svcId, string? secret = null) => new()
    {
        MasterSocketPath = SocketPath,
        SvcId = svcId,
        Secret = secret,
        DmaShmemPath = Path.Combine("/dev/shm", $"dst-{Guid.NewGuid():N}"),
    };

    /// <inheritdoc />
    public async Task<Descsock.Agent.Agent.ServiceStats> WaitForAsync(uint svcId, Func<Descsock.Agent.Agent.ServiceStats, bool> until)
    {
        for (int i = 0; ; i++)
        {
            var s = (await StatsAsync()).Services[svcId];
            if (until(s) || i == 100) return s;
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Freezes the agent with SIGSTOP and returns once every one of its threads is stopped: from
    /// then on it consumes nothing from any ring (and answers nothing, the stats socket included)
    /// until <see cref="ResumeAsync"/> or <see cref="KillAsync"/>.
    /// </summary>
    public async Task PauseAsync()
    {
        await SignalAsync("STOP");
        for (var clock = Stopwatch.StartNew(); !AllThreadsStopped(); await Task.Delay(5))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the agent's threads did not all stop after SIGSTOP");
    }

    /// <summary>Lets a paused agent run again (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>Kills the agent with SIGKILL (no cleanup of its own: the socket file stays behind) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        _process.Kill(); // SIGKILL
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
    }

    private Task SignalAsync(string signal) => SignalAsync(_process.Id, signal);

    /// <summary>Sends <paramref name="signal"/> (a name: TERM, STOP, ...) to process <paramref name="pid"/> with kill(1).</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Whether every thread of the agent is in state T (stopped), from <c>/proc/PID/task/TID/stat</c>.</summary>
    private bool AllThreadsStopped()
    {
        foreach (var task in System.IO.Directory.GetDirectories($"/proc/{Pid}/task"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; } // the thread has just ended
            if (stat[(stat.LastIndexOf(')') + 2)..][0] is not ('T' or 't')) return false;
        }
        return true;
    }

    /// <summary>Whether a stats socket accepts a connection (a stale file refuses it).</summary>
    private static async Task<bool> Answers(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the counters from the stats socket (one connection, read to the end), as the in-process
    /// <see cref="AgentFixture.StatsAsync"/> returns them.
    /// </summary>
    public async Task<Descsock.Agent.Agent.Stats> StatsAsync()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(StatsSocketPath), deadline.Token);
        using var answer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        for (int n; (n = await socket.ReceiveAsync(chunk, SocketFlags.None, deadline.Token)) > 0;) answer.Write(chunk, 0, n);
        using var json = JsonDocument.Parse(answer.ToArray());
        var services = new Dictionary<uint, Descsock.Agent.Agent.ServiceStats>();
        foreach (var s in json.RootElement.GetProperty("services").EnumerateArray())
        {
            long L(string name) => s.GetProperty(name).GetInt64();
            uint id = s.GetProperty("svcId").GetUInt32();
            services[id] = new Descsock.Agent.Agent.ServiceStats(id, Enum.Parse<Descsock.Agent.ServiceMode>(s.GetProperty("mode").GetString()!, ignoreCase: true),
                s.GetProperty("inUse").GetBoolean(), L("framesIn"), L("bytesIn"), L("framesOut"), L("bytesOut"),
                L("dropsInvalid"), L("dropsNoRoom"), L("dropsSink"));
        }
        return new Descsock.Agent.Agent.Stats(services);
    }

    /// <summary>Waits up to 10 s for the agent's log to contain <paramref name="text"/>.</summary>
    public async Task<bool> LogsAsync(string text)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(50))
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Sends SIGTERM and waits for the agent to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        await SignalAsync("TERM");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>Runs <c>descsock ARGS</c> as a process: exit code, stdout, stderr.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunDescsockAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(DescsockDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(deadline.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (!_ownsDirectory) return;
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
