using System.CommandLine;
using Descsock.Agent;
using Descsock.Host;
using Descsock.Host.AgentHost;
using Descsock.Host.Bench;
using Descsock.Host.Commands;
using Microsoft.Extensions.DependencyInjection;
namespace Descsock.Tests.Host;

/// <summary>
/// The <c>descsock</c> command line, in process: help for every command and option, bad
/// arguments exit 2 with a message naming what is wrong, no agent exits 3 with the errno, and
/// <c>bench</c> and <c>agent</c> arguments bind to the settings they stand for.
/// </summary>
public class CliTests
{
    [Theory]
    [InlineData("agent", new[] { "--config", "--socket", "--Agent:Key=value" })]
    [InlineData("ping", new[] { "--socket", "--svc-id", "--shm", "--secret", "--count", "--min-size", "--max-size", "--ring-log2" })]
    [InlineData("bench", new[] { "--pairs", "--workloads", "--sizes", "--runs", "--retries", "--seconds", "--json", "--no-json", "--tenant-cpu", "--agent-cpu", "--idle-tenants" })]
    [InlineData("capture", new[] { "--socket", "--svc-id", "--shm", "--secret", "-w, --write", "--count", "--seconds" })]
    [InlineData("stats", new[] { "--socket", "--stats-socket", "--json" })]
    public async Task Help_of_each_command_exits_0_and_explains_every_option(string command, string[] options)
    {
        var (exit, stdout, stderr) = await RunAsync(command, "--help");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains($"descsock {command} ", stdout);
        foreach (string option in options) Assert.Contains(option, stdout);

        // Every option and argument the command has carries a description (help would show a bare name).
        var built = Cli.BuildRoot().Subcommands.Single(c => c.Name == command);
        Assert.False(string.IsNullOrWhiteSpace(built.Description));
        foreach (var option in built.Options) Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{command} {option.Name} has no description");
        foreach (var argument in built.Arguments) Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{command} <{argument.Name}> has no description");
        Assert.Equal(options.Length, built.Options.Count(o => o.Name != "--help") + built.Arguments.Count);
    }

    [Fact]
    public async Task Root_help_lists_the_five_commands_and_the_exit_codes()
    {
        var (exit, stdout, _) = await RunAsync("--help");
        Assert.Equal(0, exit);
        foreach (string command in new[] { "agent", "ping", "bench", "capture", "stats" }) Assert.Contains($"\n  {command} ", stdout);
        Assert.Contains("Exit codes:", stdout);
        Assert.Contains("130  interrupted by Ctrl+C", stdout);

        var (helpExit, help, _) = await RunAsync("help", "ping");
        Assert.Equal(0, helpExit);
        Assert.Contains("--ring-log2", help);
    }

    [Fact]
    public async Task No_arguments_print_the_help_and_exit_2()
    {
        var (exit, stdout, _) = await RunAsync();
        Assert.Equal(ExitCodes.BadArguments, exit);
        Assert.Contains("Exit codes:", stdout);
    }

    [Fact]
    public async Task An_unknown_command_exits_2_naming_it_and_the_commands()
    {
        var (exit, _, stderr) = await RunAsync("pnig");
        Assert.Equal(2, exit);
        Assert.Contains("unknown command 'pnig'", stderr);
        Assert.Contains("agent, ping, bench, capture, stats", stderr);
    }

    [Fact]
    public async Task An_unknown_option_exits_2_naming_it_with_a_hint_to_use_help()
    {
        var (exit, stdout, stderr) = await RunAsync("ping", "--socket", "/x", "--svc-id", "1", "--colour", "red");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("'--colour'", stderr);
        Assert.Contains("Run 'descsock ping --help' for usage.", stderr);
    }

    [Fact]
    public async Task A_missing_required_option_exits_2_naming_it()
    {
        var (exit, _, stderr) = await RunAsync("ping", "--socket", "/x");
        Assert.Equal(2, exit);
        Assert.Contains("'--svc-id' is required", stderr);
        Assert.DoesNotContain("--socket' is required", stderr);

        (exit, _, stderr) = await RunAsync("capture", "--socket", "/x", "--svc-id", "1");
        Assert.Equal(2, exit);
        Assert.Contains("'--write' is required", stderr);

        (exit, _, stderr) = await RunAsync("stats", "--json");
        Assert.Equal(2, exit);
        Assert.Contains("--socket (or --stats-socket) is required", stderr);
    }

    [Theory]
    [InlineData("--svc-id", "abc", "is not a whole number from 0 to 4294967295")]
    [InlineData("--svc-id", "4294967296", "is not a whole number from 0 to 4294967295")]
    [InlineData("--svc-id", "-1", "is not a whole number from 0 to 4294967295")]
    [InlineData("--count", "1e3", "is not a whole number of at least 1")]
    [InlineData("--count", "0", "is not a whole number of at least 1")]
    [InlineData("--ring-log2", "15", "is not a whole number from 1 to 14")]
    [InlineData("--min-size", "67", "is not a whole number from 68 to 9220")]
    [InlineData("--max-size", "9221", "is not a whole number from 68 to 9220")]
    public async Task A_malformed_or_out_of_range_number_exits_2_naming_the_option_and_value(string option, string value, string complaint)
    {
        string[] args = ["ping", "--socket", "/x", "--svc-id", "1", option, value];
        if (option == "--svc-id") args = ["ping", "--socket", "/x", option, value];
        var (exit, _, stderr) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Contains($"option {option}: '{value}' {complaint}", stderr);
    }

    [Fact]
    public async Task A_repeated_option_takes_its_last_value_as_demo_sh_relies_on()
    {
        string first = $"/tmp/descsock-first-{Guid.NewGuid():N}.sock", last = $"/tmp/descsock-last-{Guid.NewGuid():N}.sock";
        var (exit, _, stderr) = await RunAsync("ping", "--socket", first, "--svc-id", "0", "--count", "100000", "--socket", last, "--count", "5");
        Assert.Equal(3, exit);
        Assert.Contains(last, stderr);
        Assert.DoesNotContain(first, stderr);
        Assert.Equal(4, ParseBench("--runs", "2", "--runs", "4").Runs);

        (exit, _, stderr) = await RunAsync("ping", "--socket", last, "--svc-id", "0", "--count", "5", "--count");
        Assert.Equal(2, exit);
        Assert.Contains("option --count needs a value", stderr);
    }

    [Fact]
    public async Task Inconsistent_or_unusable_ping_options_exit_2_before_connecting()
    {
        // No agent at /x: had these got as far as connecting, the exit would be 3.
        var (exit, _, stderr) = await RunAsync("ping", "--socket", "/x", "--svc-id", "1", "--min-size", "200", "--max-size", "100");
        Assert.Equal(2, exit);
        Assert.Contains("--min-size 200 is larger than --max-size 100", stderr);

        (exit, _, stderr) = await RunAsync("ping", "--socket", "/x", "--svc-id", "1", "--max-size", "9220", "--ring-log2", "2");
        Assert.Equal(2, exit);
        Assert.Contains("takes 5 buffers", stderr);

        (exit, _, stderr) = await RunAsync("ping", "--socket", "/x", "--svc-id", "1", "--secret", new string('s', 24));
        Assert.Equal(2, exit);
        Assert.Contains("option --secret: a memif secret holds at most 23 characters", stderr);

        (exit, _, stderr) = await RunAsync("ping", "--socket", "/" + new string('d', 120), "--svc-id", "1");
        Assert.Equal(2, exit);
        Assert.Contains("is longer than 107 characters", stderr);
    }

    [Fact]
    public async Task Ping_where_no_socket_file_exists_exits_3_with_ENOENT()
    {
        string path = Path.Combine(Path.GetTempPath(), $"descsock-none-{Guid.NewGuid():N}.sock");
        var (exit, stdout, stderr) = await RunAsync("ping", "--socket", path, "--svc-id", "0", "--count", "10");
        Assert.Equal(ExitCodes.Unreachable, exit);
        Assert.Contains("ENOENT", stderr);
        Assert.Contains(path, stderr);
        Assert.DoesNotContain("--help", stderr); // not an argument error
        Assert.DoesNotContain("connected", stdout);
    }

    [Fact]
    public async Task Ping_to_an_abstract_socket_nobody_listens_on_exits_3_with_ECONNREFUSED()
    {
        // Also shows that @name is a socket, not a response file of further arguments.
        string name = $"@descsock-none-{Guid.NewGuid():N}";
        var (exit, _, stderr) = await RunAsync("ping", "--socket", name, "--svc-id", "0");
        Assert.Equal(3, exit);
        Assert.Contains("ECONNREFUSED", stderr);
        Assert.Contains(name, stderr);
    }

    [Fact]
    public void Bench_without_options_binds_the_defaults_of_BenchSettings()
    {
        var settings = ParseBench();
        var defaults = new BenchSettings();
        Assert.Equal(defaults.Pairs, settings.Pairs);
        Assert.Equal(defaults.Workloads, settings.Workloads);
        Assert.Equal(defaults.Sizes, settings.Sizes);
        Assert.Equal((3, 2, TimeSpan.FromSeconds(2), "bench/results.json", 0, 1, 256),
            (settings.Runs, settings.Retries, settings.Duration, settings.JsonPath, settings.TenantCpu, settings.AgentCpu, settings.IdleTenantCount));
    }

    [Fact]
    public void Bench_options_bind_to_BenchSettings_comma_separated_or_repeated()
    {
        var settings = ParseBench("--pairs", "ours,DPDK-vs-ours", "--pairs", "ours", "--pairs", "reference",
            "--workloads", "echo,latency", "--workloads", "idle-tenants",
            "--sizes", "64, 1500", "--sizes", "9216",
            "--runs", "5", "--retries", "0", "--seconds", "0.5", "--json", "out/x.json",
            "--tenant-cpu", "2", "--agent-cpu", "3", "--idle-tenants", "10");
        Assert.Equal([BenchPair.Ours, BenchPair.DpdkVsOurs, BenchPair.Reference], settings.Pairs);
        Assert.Equal([BenchWorkload.Echo, BenchWorkload.Latency, BenchWorkload.IdleTenants], settings.Workloads);
        Assert.Equal([64, 1500, 9216], settings.Sizes);
        Assert.Equal((5, 0, TimeSpan.FromMilliseconds(500), "out/x.json", 2, 3, 10),
            (settings.Runs, settings.Retries, settings.Duration, settings.JsonPath, settings.TenantCpu, settings.AgentCpu, settings.IdleTenantCount));

        Assert.Null(ParseBench("--no-json").JsonPath);
        Assert.Equal([BenchWorkload.TenantToAgent, BenchWorkload.AgentToTenant, BenchWorkload.Allocation],
            ParseBench("--workloads", "tenant-to-agent,agent-to-tenant,allocation").Workloads);
        Assert.Equal([BenchPair.OursVsDpdk], ParseBench("--pairs", "ours-vs-dpdk").Pairs);
    }

    [Theory]
    [InlineData("--pairs", "ours,theirs", "option --pairs: 'theirs' is not a pair (reference, ours, ours-vs-dpdk, dpdk-vs-ours)")]
    [InlineData("--workloads", "echo,ping", "option --workloads: 'ping' is not a workload (tenant-to-agent, agent-to-tenant, echo, latency, allocation, idle-tenants)")]
    [InlineData("--sizes", "63", "option --sizes: '63' is not a frame size from 64 to 9216")]
    [InlineData("--sizes", "64,x", "option --sizes: 'x' is not a frame size from 64 to 9216")]
    [InlineData("--sizes", ",", "option --sizes: the list is empty")]
    [InlineData("--runs", "0", "option --runs: '0' is not a whole number of at least 1")]
    [InlineData("--retries", "-1", "option --retries: '-1' is not a whole number of at least 0")]
    [InlineData("--seconds", "0", "option --seconds: '0' is not a number of seconds greater than 0")]
    [InlineData("--seconds", "NaN", "option --seconds: 'NaN' is not a number of seconds greater than 0")]
    [InlineData("--tenant-cpu", "-1", "option --tenant-cpu: '-1' is not a whole number from 0 to 1023")]
    [InlineData("--agent-cpu", "one", "option --agent-cpu: 'one' is not a whole number from 0 to 1023")]
    [InlineData("--idle-tenants", "0", "option --idle-tenants: '0' is not a whole number of at least 1")]
    public async Task Bad_bench_values_exit_2_naming_the_option_and_what_is_allowed(string option, string value, string message)
    {
        var (exit, _, stderr) = await RunAsync("bench", option, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public async Task Bench_json_and_no_json_exclude_each_other()
    {
        var (exit, _, stderr) = await RunAsync("bench", "--json", "r.json", "--no-json");
        Assert.Equal(2, exit);
        Assert.Contains("--json and --no-json exclude each other", stderr);
    }

    [Fact]
    public void Agent_settings_must_be_Agent_keys_with_values()
    {
        Assert.Null(AgentCommandLine.CheckSettings(["--Agent:StatsInterval=00:00:05", "--agent:MaxRegions", "2"]));
        Assert.Contains("'--sokcet'", AgentCommandLine.CheckSettings(["--sokcet", "/x"]));
        Assert.Contains("'--Logging:LogLevel=Debug'", AgentCommandLine.CheckSettings(["--Logging:LogLevel=Debug"]));
        Assert.Contains("needs a value", AgentCommandLine.CheckSettings(["--Agent:MaxRegions"]));
        Assert.Contains("needs a value", AgentCommandLine.CheckSettings(["--Agent:MaxRegions", "--Agent:MaxFrame=1500"]));
    }

    [Fact]
    public async Task Agent_argument_errors_exit_2_before_starting()
    {
        var (exit, _, stderr) = await RunAsync("agent", "--sokcet", "/tmp/x.sock");
        Assert.Equal(2, exit);
        Assert.Contains("unknown option or argument '--sokcet'", stderr);

        (exit, _, stderr) = await RunAsync("agent", "--config", "/nonexistent/agent.json");
        Assert.Equal(2, exit);
        Assert.Contains("option --config: '/nonexistent/agent.json' does not exist", stderr);

        string dir = Directory.CreateTempSubdirectory("dscli-").FullName;
        try
        {
            string config = Path.Combine(dir, "agent.json");
            await File.WriteAllTextAsync(config, """{ "Agent": { "Services": [ """);
            (exit, _, stderr) = await RunAsync("agent", "--config", config, "--socket", Path.Combine(dir, "a.sock"));
            Assert.Equal(2, exit);
            Assert.Contains($"configuration {config}", stderr);
            Assert.False(File.Exists(Path.Combine(dir, "a.sock")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Agent_settings_on_the_command_line_override_the_file_and_socket_overrides_them()
    {
        string dir = Directory.CreateTempSubdirectory("dscli-").FullName;
        try
        {
            string config = Path.Combine(dir, "agent.json");
            await File.WriteAllTextAsync(config, """{ "Agent": { "MaxRegions": 4, "SocketPath": "/tmp/unused.sock", "Services": [ { "SvcId": 0, "Mode": "Echo" } ] } }""");
            string socket = Path.Combine(dir, "a.sock");
            using var host = AgentCommand.Build(config, socket,
                ["--Agent:MaxRegions", "2", "--Agent:MaxFrame=1500", "--Agent:SocketPath=/tmp/overridden.sock"]);
            var settings = host.Services.GetRequiredService<AgentSettings>();
            Assert.Equal((2, 1500, socket), (settings.MaxRegions, settings.MaxFrame, settings.SocketPath));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_idle_poll_window_with_its_bounds_out_of_order_is_refused_by_name()
    {
        string dir = Directory.CreateTempSubdirectory("dscli-").FullName;
        try
        {
            string config = Path.Combine(dir, "agent.json");
            File.WriteAllText(config, """{ "Agent": { "Services": [ { "SvcId": 0, "Mode": "Echo" } ] } }""");
            string socket = Path.Combine(dir, "a.sock");
            var e = Assert.Throws<ArgumentException>(() => AgentCommand.Build(config, socket, ["--Agent:IdleSpinMax=00:00:00.0005"]));
            Assert.Contains("IdleSpinMin 00:00:00.0010000 and IdleSpinMax 00:00:00.0005000", e.Message);
            using var host = AgentCommand.Build(config, socket, ["--Agent:IdleSpinMin=00:00:00.002", "--Agent:IdleSpinMax=00:00:00.002"]);
            var settings = host.Services.GetRequiredService<AgentSettings>();
            Assert.Equal((TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(2)), (settings.IdleSpinMin, settings.IdleSpinMax)); // a fixed window is fine
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static BenchSettings ParseBench(params string[] args)
    {
        var bench = new BenchCommandLine();
        var result = bench.Command.Parse(args, Cli.ParserConfiguration);
        Assert.Empty(result.Errors);
        return bench.ToSettings(result);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await Cli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
