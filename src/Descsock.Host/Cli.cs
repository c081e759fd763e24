using Descsock.Agent;
using Descsock.Host.Capture;
using Descsock.Host.Ping;
using Descsock.Host.Stats;
using Microsoft.Extensions.Hosting;
namespace Descsock.Host;

/// <summary>
/// The <c>descsock</c> command line. Exit codes: 0 success, 1 the run failed its check,
/// 2 bad arguments, 3 could not connect (the errno is printed).
/// </summary>
public static class Cli
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        descsock — descsock tenant tools

        descsock agent [--config FILE] [--socket PATH]
            Runs the software DMA agent: listens on the master socket and serves the services
            of the configuration (default: config/agent.json) until SIGINT/SIGTERM, logging
            per-service counters periodically. See config/README.md for every setting.
            Exits 1 if the agent cannot start (socket path in use, TAP interface refused).
          --config FILE      the JSON configuration (default config/agent.json)
          --socket PATH      overrides Agent:SocketPath

        descsock stats --socket PATH [--json]
            Prints a running agent's per-service counters: svc_id, mode, state (in-use or
            idle), frames and bytes in and out, drops (invalid, no room, sink). Reads them from
            the agent's stats socket, PATH.stats unless Agent:StatsSocketPath says otherwise.
          --socket PATH        the agent's master socket
          --stats-socket PATH  the stats socket itself (instead of --socket)
          --json               print the agent's JSON document as it is

        descsock capture --socket PATH --svc-id N -w FILE [--count N] [--seconds S]
            Registers as the tenant of service N and writes every frame the agent delivers to
            it (what a switch group floods or sends to this port; what the kernel sends out of
            a tap service's interface) to FILE in pcap format, readable by tcpdump and tshark.
            Stops after --count frames, --seconds seconds, or Ctrl+C.
          --socket PATH      the agent's master socket (required)
          --svc-id N         service id to capture on (required)
          -w, --write FILE   the pcap file to write (required)
          --count N          stop after N frames (default: no limit)
          --seconds S        stop after S seconds (default: no limit)
          --shm PATH, --secret S   as for ping

        descsock ping --socket PATH --svc-id N [options]
            Opens a tenant connection to the DMA agent at PATH (a file, or @name for an
            abstract socket), sends self-checking frames of random sizes, and checks that an
            echoing agent returns every one intact and in order. Prints progress and a summary.
          --socket PATH      the agent's master socket (required)
          --svc-id N         service id to register as (required)
          --shm PATH         dma_shmem_path: shared-memory file to create (default: a sealed memfd)
          --count N          frames to send (default 100000)
          --min-size N       smallest frame incl. 4 CRC bytes (default 68)
          --max-size N       largest frame incl. 4 CRC bytes (default 1522)
          --secret S         memif secret (at most 23 ASCII characters)
          --ring-log2 N      log2 ring size, 1..14 (default 10)
        """;

    /// <summary>Runs the command in <paramref name="args"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "ping" => await PingAsync(Arguments.Parse(args[1..]), stdout),
                "agent" => await AgentHost.AgentCommand.RunAsync(args[1..], stderr),
                "stats" => await StatsAsync(Arguments.Parse(args[1..], "--json"), stdout),
                "capture" => await CaptureAsync(Arguments.Parse(args[1..]), stdout),
                _ => throw new ArgumentException($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"descsock: {e.Message}");
            stderr.WriteLine("run 'descsock --help' for usage");
            return 2;
        }
        catch (DescsockException e)
        {
            stderr.WriteLine($"descsock: {e.Message}");
            return 3;
        }
    }

    private static async Task<int> StatsAsync(Arguments a, TextWriter stdout)
    {
        string? master = a.Optional("--socket");
        string path = a.Optional("--stats-socket")
            ?? (master is null ? throw new ArgumentException("option --socket (or --stats-socket) is required") : master + AgentSettings.StatsSuffix);
        bool json = a.Flag("--json");
        a.RejectUnknown();
        string answer = await StatsClient.FetchAsync(path, TimeSpan.FromSeconds(5));
        var document = StatsDocument.Parse(answer, path); // checked even for --json: garbage is an error, not output
        if (json) stdout.WriteLine(answer.TrimEnd());
        else StatsTable.Write(document, stdout);
        return 0;
    }

    private static async Task<int> CaptureAsync(Arguments a, TextWriter stdout)
    {
        var spec = new DescsockClientSpec
        {
            MasterSocketPath = a.Required("--socket"),
            SvcId = a.Long("--svc-id", null),
            DmaShmemPath = a.Optional("--shm"),
            Secret = a.Optional("--secret"),
        };
        string path = a.Optional("-w") ?? a.Required("--write");
        long count = a.Long("--count", 0);
        long seconds = a.Long("--seconds", 0);
        a.RejectUnknown();
        using var stop = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        await using var socket = await DescsockSocket.OpenAsync(spec);
        using var pcap = new PcapWriter(File.Create(path));
        stdout.WriteLine($"capture: svc_id {spec.SvcId} on {spec.MasterSocketPath} → {path}" +
                         (count > 0 ? $", {count} frames" : "") + (seconds > 0 ? $", {seconds} s" : "") + "; Ctrl+C to stop");
        long frames = await Capturer.RunAsync(socket, pcap, count, stop.Token);
        stdout.WriteLine($"capture: {frames} frames written to {path}");
        return 0;
    }

    private static async Task<int> PingAsync(Arguments a, TextWriter stdout)
    {
        var spec = new DescsockClientSpec
        {
            MasterSocketPath = a.Required("--socket"),
            SvcId = a.Long("--svc-id", null),
            DmaShmemPath = a.Optional("--shm"),
            Secret = a.Optional("--secret"),
            RingSizeLog2 = (int)a.Long("--ring-log2", 10),
        };
        var options = new PingOptions
        {
            Spec = spec,
            Count = a.Long("--count", 100_000),
            MinSize = (int)a.Long("--min-size", 68),
            MaxSize = (int)a.Long("--max-size", 1522),
            Progress = stdout,
        };
        if (options.MinSize < FramePattern.MinFrame || options.MaxSize < options.MinSize)
            throw new ArgumentException($"frame sizes must satisfy {FramePattern.MinFrame} <= --min-size <= --max-size");
        a.RejectUnknown();
        await using var socket = await DescsockSocket.OpenAsync(spec);
        stdout.WriteLine($"connected to agent '{socket.AgentName}' at {spec.MasterSocketPath} as svc_id {spec.SvcId}; " +
                         $"shared memory: {(string.IsNullOrEmpty(spec.DmaShmemPath) ? "sealed memfd" : spec.DmaShmemPath)}");
        var result = Pinger.Run(socket, options);
        stdout.WriteLine($"ping: {result}");
        stdout.WriteLine(result.Success ? "ping: OK — every frame came back intact and in order" : "ping: FAILED");
        return result.Success ? 0 : 1;
    }
}
