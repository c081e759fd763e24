using System.CommandLine;
using System.Globalization;
using Descsock.Host.Bench;
namespace Descsock.Host.Commands;

/// <summary><c>descsock bench</c>: its options, bound to <see cref="BenchSettings"/>.</summary>
internal sealed class BenchCommandLine
{
    /// <summary>Frame sizes bench accepts, without CRC: the Ethernet minimum to the library's jumbo maximum.</summary>
    public const int MinSize = 64, MaxSize = 9216;

    /// <summary>Linux's CPU_SETSIZE: CPU numbers are below it.</summary>
    private const int CpuSetSize = 1024;

    private static readonly BenchSettings Defaults = new();

    private readonly Option<BenchPair[]> _pairs = CliOptions.List("--pairs",
        $"Tenant/agent pairs to measure, comma-separated or repeated: {KebabNames.All<BenchPair>()}. reference is dpdk-testpmd " +
        "against itself; ours is our tenant against our agent; ours-vs-dpdk our tenant against dpdk-testpmd role=server; " +
        "dpdk-vs-ours dpdk-testpmd role=client against our agent. Default: all.",
        "PAIR", KebabNames.Parse<BenchPair>, $"a pair ({KebabNames.All<BenchPair>()})");

    private readonly Option<BenchWorkload[]> _workloads = CliOptions.List("--workloads",
        $"Workloads to run, comma-separated or repeated: {KebabNames.All<BenchWorkload>()}. tenant-to-agent and " +
        "agent-to-tenant are one-way throughput, echo frames returned per second, latency the round trip with one frame " +
        "in flight (p50/p99/p99.9), allocation the bytes allocated per frame, idle-tenants the CPU use of connected idle " +
        "tenants. Default: all.",
        "WORKLOAD", KebabNames.Parse<BenchWorkload>, $"a workload ({KebabNames.All<BenchWorkload>()})");

    private readonly Option<int[]> _sizes = CliOptions.List("--sizes",
        $"Frame sizes in bytes on the wire without CRC, {MinSize} to {MaxSize}, comma-separated or repeated. " +
        $"Default: {string.Join(",", Defaults.Sizes)}.",
        "BYTES", ParseSize, $"a frame size from {MinSize} to {MaxSize}");

    private readonly Option<int> _runs = CliOptions.Integer("--runs",
        "Runs per figure; the table shows the median and the min–max range. In the rate workloads the pairs " +
        "take turns, one run each, each run on a new connection.", 1, int.MaxValue);

    private readonly Option<int> _retries = CliOptions.Integer("--retries",
        "Times a rate run is taken again, on a new connection, when the machine's probes read its slow state just " +
        $"before or after it (a cross-core copy rate below {MachineStateGate.FastFraction * 100:0} % of the best seen) or during it (fewer than " +
        $"{MachineBars.InRunFastShare * 100:0} % of the core-to-core round trips sampled every {InRunProbe.Period.TotalMilliseconds:0} ms within " +
        $"{MachineStateGate.CoreToCoreFactor:0}× the shortest seen); a run also waits up to " +
        $"{MachineStateGate.LongestWait.TotalSeconds:0} s for the fast state to start. 0 keeps every run as it comes, without waiting.", 0, int.MaxValue);

    private readonly Option<double> _seconds = CliOptions.Seconds("--seconds", "Measured time of one run, in seconds (fractions allowed).");

    private readonly Option<string> _json = CliOptions.Text("--json", "Where the results go as JSON (the directory is created).", "FILE");

    private readonly Option<bool> _noJson = new("--no-json") { Description = "Write no JSON file, only the table." };

    private readonly Option<int> _tenantCpu = CliOptions.Integer("--tenant-cpu",
        "CPU the tenant side is pinned to.", 0, CpuSetSize - 1);

    private readonly Option<int> _agentCpu = CliOptions.Integer("--agent-cpu",
        "CPU the agent side is pinned to.", 0, CpuSetSize - 1);

    private readonly Option<int> _idleTenants = CliOptions.Integer("--idle-tenants",
        "Connected idle tenants for the idle-tenants workload.", 1, int.MaxValue);

    public BenchCommandLine()
    {
        // Defaults come from BenchSettings, the one place that states them; help shows them.
        _runs.DefaultValueFactory = _ => Defaults.Runs;
        _retries.DefaultValueFactory = _ => Defaults.Retries;
        _seconds.DefaultValueFactory = _ => Defaults.Duration.TotalSeconds;
        _json.DefaultValueFactory = _ => Defaults.JsonPath!;
        _tenantCpu.DefaultValueFactory = _ => Defaults.TenantCpu;
        _agentCpu.DefaultValueFactory = _ => Defaults.AgentCpu;
        _idleTenants.DefaultValueFactory = _ => Defaults.IdleTenantCount;
        _json.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is "") result.AddError("option --json: the file name is empty");
        });

        Command = new Command("bench",
            "Measures throughput, latency, allocations and idle CPU of the tenant/agent pairs and prints one table " +
            "(median and min–max of --runs runs), and writes the results as JSON. Pairs with dpdk-testpmd need DPDK " +
            "(scripts/setup.sh installs it). Exits 0 when every measurement ran, 1 when one failed, 130 on Ctrl+C, 143 on SIGTERM (either stops the testpmd and agent processes it started).")
        {
            _pairs, _workloads, _sizes, _runs, _retries, _seconds, _json, _noJson, _tenantCpu, _agentCpu, _idleTenants,
        };
        Command.Validators.Add(result =>
        {
            if (result.GetResult(_json) is { Implicit: false } && result.GetResult(_noJson) is { Implicit: false })
                result.AddError("options --json and --no-json exclude each other");
        });
        Command.SetAction(async (result, cancel) =>
        {
            var settings = ToSettings(result);
            using var signals = new StopSignals(cancel);
            try
            {
                int exit = await BenchCommand.RunAsync(settings, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, signals.Token);
                return signals.Received ? signals.ExitCode : exit; // a cut-short run is not a result
            }
            catch (OperationCanceledException) when (signals.Received)
            {
                result.InvocationConfiguration.Error.WriteLine("descsock bench: interrupted");
                return signals.ExitCode;
            }
        });
    }

    public Command Command { get; }

    /// <summary>The settings a parsed <c>descsock bench</c> command line asks for.</summary>
    public BenchSettings ToSettings(ParseResult result)
    {
        if (result.Errors.Count > 0) throw new ArgumentException(result.Errors[0].Message);
        return new BenchSettings
        {
            Pairs = ListOr(result, _pairs, Defaults.Pairs),
            Workloads = ListOr(result, _workloads, Defaults.Workloads),
            Sizes = ListOr(result, _sizes, Defaults.Sizes),
            Runs = result.GetValue(_runs),
            Retries = result.GetValue(_retries),
            Duration = TimeSpan.FromSeconds(result.GetValue(_seconds)),
            JsonPath = result.GetValue(_noJson) ? null : result.GetValue(_json),
            TenantCpu = result.GetValue(_tenantCpu),
            AgentCpu = result.GetValue(_agentCpu),
            IdleTenantCount = result.GetValue(_idleTenants),
        };
    }

    /// <summary>
    /// The list given, or <paramref name="fallback"/> when the option is absent (System.CommandLine
    /// would give an empty array; the lists have no DefaultValueFactory so that help shows their
    /// defaults in command-line spelling, not enum names).
    /// </summary>
    private static IReadOnlyList<T> ListOr<T>(ParseResult result, Option<T[]> option, IReadOnlyList<T> fallback) =>
        result.GetResult(option) is null ? fallback : result.GetValue(option) ?? fallback;

    private static int? ParseSize(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) && size is >= MinSize and <= MaxSize ? size : null;
}
