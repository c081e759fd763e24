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
/// environment (<c>DESCSOCK_Agent__SocketPath</c>), then the command line.
/// </summary>
public static class AgentCommand
{
    /// <summary>Builds the host; <paramref name="args"/> are the options after <c>agent</c>.</summary>
    public static IHost Build(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        string config = ConfigPath(args);
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.GetFullPath(config), optional: false)
            .AddEnvironmentVariables("DESCSOCK_")
            .AddCommandLine(args, new Dictionary<string, string> { ["--socket"] = "Agent:SocketPath", ["--config"] = "ConfigFile" });
        var settings = builder.Configuration.GetSection("Agent").Get<AgentSettings>()
            ?? throw new ArgumentException($"{config} has no \"Agent\" section");
        if (settings.Services.Count == 0) throw new ArgumentException($"{config} configures no services");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.SocketPath))!);
        builder.Services.AddSingleton(settings);
        builder.Services.AddAkka("descsock-agent", (akka, _) => akka.WithDescsockAgent(settings));
        builder.Services.AddHostedService<AgentStatsReporter>();
        builder.Services.AddHostedService<AgentStatsServer>();
        return builder.Build();
    }

    /// <summary>
    /// Runs the agent until SIGTERM/SIGINT. Returns 0, or 1 when the agent could not start (its
    /// socket or a TAP interface refused), after printing why to <paramref name="stderr"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        using var host = Build(args);
        await host.StartAsync();
        var agent = await host.Services.GetRequiredService<IRequiredActor<DescsockAgent>>().GetAsync();
        try
        {
            await agent.Ask<Agent.Agent.Stats>(Agent.Agent.GetStats.Instance, TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is DescsockException or AskTimeoutException)
        {
            stderr.WriteLine($"descsock agent: cannot start: {e.Message}");
            await host.StopAsync();
            return 1;
        }
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static string ConfigPath(string[] args)
    {
        int i = Array.IndexOf(args, "--config");
        if (i >= 0 && i + 1 < args.Length) return args[i + 1];
        string beside = Path.Combine(AppContext.BaseDirectory, "config", "agent.json");
        return File.Exists(beside) ? beside : "config/agent.json";
    }
}
