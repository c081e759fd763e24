using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
namespace Descsock.Host.Peers;

/// <summary>
/// A real dpdk-testpmd process playing the memif peer. Started with a file socket
/// (socket-abstract=no) and periodic stats; stopped with SIGINT for a clean exit. Its stats read
/// 0 once the memif peer has gone (notes §6.6), so read them while connected.
/// </summary>
public sealed partial class TestPmd : IAsyncDisposable
{
    public const string Binary = "/usr/bin/dpdk-testpmd";
    private static readonly string[] FailureSignatures =
        ["Failed to connect socket", "Fail to start port", "No probed ethernet devices", "Address already in use", "probe failed"];
    private static int _sequence;
    private readonly Process _process;
    private readonly ProcessOutput _output;
    private readonly TestPmdOptions _options;

    private TestPmd(Process process, TestPmdOptions options)
    {
        _process = process;
        _options = options;
        _output = new ProcessOutput(process, Parse);
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();

    /// <summary>The memif socket: the one a server listens on, or a client connects to.</summary>
    public string SocketPath => _options.SocketPath;

    /// <summary>Everything testpmd printed so far, without terminal escapes.</summary>
    public string Output => Ansi().Replace(_output.Text, "");

    /// <summary>The latest periodic port statistics.</summary>
    public TestPmdStats? Stats => TestPmdStats.LastIn(Output);

    /// <summary>True when testpmd and its memif driver are installed (scripts/setup.sh installs them).</summary>
    public static bool IsAvailable(out string reason)
    {
        reason = File.Exists(Binary) ? "" : $"{Binary} is missing: run scripts/setup.sh (apt-get install dpdk-dev librte-net-memif23)";
        if (reason.Length == 0 && !Directory.EnumerateFiles("/usr/lib", "librte_net_memif.so*", SearchOption.AllDirectories).Any())
            reason = "the DPDK memif driver (librte-net-memif23) is missing: run scripts/setup.sh";
        return reason.Length == 0;
    }

    /// <summary>Starts testpmd; a server is returned once it accepts INIT (its port has started).</summary>
    public static async Task<TestPmd> StartAsync(TestPmdOptions options)
    {
        if (!IsAvailable(out string reason)) throw new InvalidOperationException(reason);
        if (options.Role == "server") File.Delete(options.SocketPath); // a client connects to someone else's socket
        var prefix = $"dstest{Environment.ProcessId}x{Interlocked.Increment(ref _sequence)}";
        // Interactive testpmd block-buffers stdout into a pipe; stdbuf makes it line-buffered so
        // a command's answer can be awaited.
        var psi = new ProcessStartInfo(options.Interactive ? "stdbuf" : Binary,
            options.Interactive ? $"-oL {Binary} {options.Arguments(prefix)}" : options.Arguments(prefix))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        var p = new TestPmd(Process.Start(psi)!, options);
        await p.WaitUntilStartedAsync(TimeSpan.FromSeconds(20));
        return p;
    }

    /// <summary>Per line, under the output's lock: completes a statistics sample when its TX line arrives.</summary>
    private void Parse(string line)
    {
        long now = Stopwatch.GetTimestamp();
        if (TestPmdStats.RxLine(line) is { } rx) _pendingRx = rx;
        else if (_pendingRx is { } r && TestPmdStats.TxLine(line) is { } tx)
        {
            Latest = new TestPmdSample(new TestPmdStats(r.Packets, r.Bytes, tx.Packets, tx.Bytes), now);
            _pendingRx = null;
        }
    }

    private (long Packets, long Bytes)? _pendingRx;

    /// <summary>
    /// The latest periodic block and when its last line arrived (a <see cref="Stopwatch"/>
    /// timestamp), for rates: with <c>--stats-period 1</c> one arrives every second.
    /// </summary>
    public TestPmdSample? Latest { get; private set; }

    /// <summary>Waits for a periodic block newer than <paramref name="after"/> (or any, when null).</summary>
    public async Task<TestPmdSample> NextSampleAsync(TestPmdSample? after, TimeSpan timeout, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var s = Latest;
            if (s is not null && (after is null || s.Timestamp > after.Timestamp)) return s;
            if (_process.HasExited) throw new InvalidOperationException($"testpmd exited with {_process.ExitCode}:\n{Output}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"testpmd printed no statistics within {timeout}:\n{Output}");
            await Task.Delay(10, cancel);
        }
    }

    private async Task WaitUntilStartedAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string output = Output;
            foreach (var f in FailureSignatures)
                if (output.Contains(f)) throw new InvalidOperationException($"testpmd failed ({f}):\n{output}");
            if (_process.HasExited) throw new InvalidOperationException($"testpmd exited with {_process.ExitCode}:\n{output}");
            bool listening = _options.Role != "server" || File.Exists(_options.SocketPath);
            bool portUp = _options.Interactive
                ? PortsChecked().IsMatch(output)
                : output.Contains("Start automatic packet forwarding") || output.Contains("Port statistics");
            if (listening && portUp)
            {
                await Task.Delay(300); // the memif port accepts INIT only once started (notes §1.8)
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"testpmd did not start within {timeout}:\n{Output}");
    }

    [GeneratedRegex(@"Checking link statuses\.\.\.\s+Done")]
    private static partial Regex PortsChecked();

    /// <summary>Interactive mode: starts forwarding and returns once testpmd reports it running.</summary>
    public Task StartForwardingAsync() => CommandAsync("start", "packet forwarding - ports=");

    /// <summary>
    /// Interactive mode: stops forwarding and returns once the forwarding lcore has finished.
    /// Needed before a peer disconnects from a testpmd that must live on: DPDK 22.11's
    /// memif_disconnect unmaps the rings with no grace period while the forwarding lcore may be
    /// inside a burst, and testpmd then segfaults (seen about once in 40 disconnects here).
    /// </summary>
    public Task StopForwardingAsync() => CommandAsync("stop", "Done.", after: "Waiting for lcores to finish");

    /// <summary>Writes one interactive command and waits until the output that follows it shows <paramref name="done"/>.</summary>
    private async Task CommandAsync(string command, string done, string? after = null)
    {
        if (!_options.Interactive) throw new InvalidOperationException($"'{command}' needs testpmd started with Interactive = true");
        int mark = Output.Length;
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string output = Output;
            int from = after is null ? mark : output.IndexOf(after, Math.Min(mark, output.Length), StringComparison.Ordinal);
            if (from >= 0 && output.IndexOf(done, from, StringComparison.Ordinal) >= 0) return;
            if (_process.HasExited) throw new InvalidOperationException($"testpmd exited with {_process.ExitCode} during '{command}':\n{output}");
            if (clock.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"testpmd did not finish '{command}' within 10 s:\n{output}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until the periodic stats satisfy <paramref name="predicate"/>; returns them (or the last seen).</summary>
    public async Task<TestPmdStats?> WaitForStatsAsync(Func<TestPmdStats, bool> predicate, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        TestPmdStats? s;
        while ((s = Stats) is null || !predicate(s))
        {
            if (clock.Elapsed > timeout || _process.HasExited) return s;
            await Task.Delay(100);
        }
        return s;
    }

    /// <summary>Sends SIGINT (interactive mode: "quit") and waits for exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            if (_options.Interactive)
            {
                await _process.StandardInput.WriteLineAsync("quit"); // it exits 0 once its ports are closed
                await _process.StandardInput.FlushAsync();
            }
            else
            {
                using var kill = Process.Start("kill", $"-INT {_process.Id}");
                await kill!.WaitForExitAsync();
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(); await _process.WaitForExitAsync(); }
        }
        if (_options.Role == "server") File.Delete(_options.SocketPath);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
