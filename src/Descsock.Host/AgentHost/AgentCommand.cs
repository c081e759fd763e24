using Akka.Actor;
using Akka.Hosting;
using Descsock.Agent;
using Descsock.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
namespace Descsock.Host.AgentHost;

/// <summary>
/// <c>descsock agent</c>: the software DMA agent as a long-running service on
/// Microsoft.Extensions.Hosting and Akka.Hosting. Settings come from the JSON file, then the
/// environment (<c>DESCSOCK_Agent__SocketPath</c>), then <c>--Agent:Key=value</c> overrides,
/// then <c>--socket</c>.
/// </summary>
public static class AgentCommand
{
    /// <summary>
    /// Builds the host from <paramref name="configFile"/> (null: the default) with
    /// <paramref name="overrides"/> in <c>Microsoft.Extensions.Configuration.CommandLine</c>'s
    /// syntax. A configuration that cannot be read or bound is an <see cref="ArgumentException"/>.
    /// </summary>
    public static IHost Build(string? configFile, string? socketPath, IReadOnlyList<string> overrides)
    {
        // The host's default appsettings.json watch would put inotify watches on the whole working
        // directory tree (hundreds from /tmp, the whole disk from /) and wake the agent on every
        // change under it; the agent reads only the configuration named here, once.
        var preset = new ConfigurationManager();
        preset.AddInMemoryCollection([new KeyValuePair<string, string?>("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = preset });
        string config = configFile ?? DefaultConfigPath();
        builder.Configuration.Sources.Clear();
        AgentSettings? settings;
        try
        {
            builder.Configuration
                .AddJsonFile(Path.GetFullPath(config), optional: false)
                .AddEnvironmentVariables("DESCSOCK_")
                .AddCommandLine([.. overrides]);
            if (socketPath is not null)
                builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Agent:SocketPath", socketPath)]);
            settings = builder.Configuration.GetSection("Agent").Get<AgentSettings>();
        }
        // Not found, not JSON, or a value that does not fit its setting: the user's input, not a failure to start.
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"configuration {config}: {e.Message}{(e.InnerException is null ? "" : $" ({e.InnerException.Message})")}", e);
        }
        if (settings is null) throw new ArgumentException($"{config} has no \"Agent\" section");
        if (settings.Services.Count == 0) throw new ArgumentException($"{config} configures no services");
        foreach (var s in settings.Services.Where(s => s.Mode == ServiceMode.Source))
            if (s.FrameSize < SourceFrame.MinSize || s.FrameSize > settings.MaxFrame)
                throw new ArgumentException($"{config}: service {s.SvcId}: FrameSize {s.FrameSize} is outside {SourceFrame.MinSize}..{settings.MaxFrame} (MaxFrame)");
        if (settings.IdleSpinMin < TimeSpan.Zero || settings.IdleSpinMax < settings.IdleSpinMin)
            throw new ArgumentException($"{config}: IdleSpinMin {settings.IdleSpinMin} and IdleSpinMax {settings.IdleSpinMax}: need 0 <= IdleSpinMin <= IdleSpinMax");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.SocketPath))!);
        builder.Services.AddSingleton(settings);
        // Akka's own log events (session refusals, expulsions, supervision) go through the host's
        // ILogger too, so one logging configuration governs everything the agent prints.
        builder.Services.AddAkka("descsock-agent", (akka, _) => akka
            .ConfigureLoggers(loggers => { loggers.ClearLoggers(); loggers.AddLoggerFactory(); })
            .WithDescsockAgent(settings));
        builder.Services.AddHostedService<AgentStatsReporter>();
        builder.Services.AddHostedService<AgentStatsServer>();
        return builder.Build();
    }

    /// <summary>
    /// Runs the agent until SIGTERM/SIGINT (or <paramref name="cancellationToken"/>). Returns 0, or
    /// 1 when the agent could not start (its socket or a TAP interface refused), after printing why
    /// to <paramref name="stderr"/>.
    /// </summary>
    public static async Task<int> RunAsync(string? configFile, string? socketPath, IReadOnlyList<string> overrides, TextWriter stderr,
        CancellationToken cancellationToken = default)
    {
        using var host = Build(configFile, socketPath, overrides);
        await host.StartAsync(cancellationToken);
        var agent = await host.Services.GetRequiredService<IRequiredActor<DescsockAgent>>().GetAsync(cancellationToken);
        try
        {
            await agent.Ask<Agent.Agent.Stats>(Agent.Agent.GetStats.Instance, TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is DescsockException or AskTimeoutException)
        {
            stderr.WriteLine($"descsock agent: cannot start: {e.Message}");
            await host.StopAsync(CancellationToken.None);
            return 1;
        }
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>config/agent.json beside the executable if it is there (an installed agent), else in the current directory.</summary>
    public static string DefaultConfigPath()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "config", "agent.json");
        return File.Exists(beside) ? beside : Path.Combine("config", "agent.json");
    }
}
