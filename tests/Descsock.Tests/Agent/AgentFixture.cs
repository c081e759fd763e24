using Akka.Actor;
using Descsock.Agent;
using Descsock.Engine;
namespace Descsock.Tests.Agent;

/// <summary>A real C# agent in this process, on its own actor system, listening on a fresh socket file.</summary>
public sealed class AgentFixture : ITestAgent, IAsyncDisposable
{
    private AgentFixture(ActorSystem system, IActorRef agent, string socket)
    {
        System = system;
        AgentRef = agent;
        SocketPath = socket;
    }

    public ActorSystem System { get; }
    public IActorRef AgentRef { get; }
    public string SocketPath { get; }

    public static Task<AgentFixture> StartAsync(params ServiceSettings[] services) => StartAsync(new AgentSettings(), services);

    /// <summary>
    /// Starts an agent with <paramref name="settings"/> and <paramref name="services"/>, on a fresh
    /// socket path unless <paramref name="settings"/> names one (to restart an agent in place).
    /// </summary>
    public static async Task<AgentFixture> StartAsync(AgentSettings settings, params ServiceSettings[] services)
    {
        string socket = settings.SocketPath != new AgentSettings().SocketPath
            ? settings.SocketPath
            : Path.Combine(Path.GetTempPath(), $"dsa-{Guid.NewGuid():N}.sock");
        var system = ActorSystem.Create("agent", DescsockEngine.DefaultConfig);
        var agent = system.ActorOf(Descsock.Agent.Agent.Props(settings with { SocketPath = socket, Services = services }), "agent");
        for (int i = 0; i < 100 && !File.Exists(socket); i++) await Task.Delay(20);
        Assert.True(File.Exists(socket), "the agent did not create its socket");
        return new AgentFixture(system, agent, socket);
    }

    public DescsockClientSpec Spec(long svcId, string? secret = null) => new()
    {
        MasterSocketPath = SocketPath,
        SvcId = svcId,
        Secret = secret,
        DmaShmemPath = Path.Combine("/dev/shm", $"dst-{Guid.NewGuid():N}"),
    };

    public Task<Descsock.Agent.Agent.Stats> StatsAsync() =>
        AgentRef.Ask<Descsock.Agent.Agent.Stats>(Descsock.Agent.Agent.GetStats.Instance, TimeSpan.FromSeconds(3));

    public async Task<Descsock.Agent.Agent.ServiceStats> WaitForAsync(uint svcId, Func<Descsock.Agent.Agent.ServiceStats, bool> until)
    {
        for (int i = 0; ; i++)
        {
            var s = (await StatsAsync()).Services[svcId];
            if (until(s) || i == 100) return s;
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        Assert.False(File.Exists(SocketPath), "the agent must remove its socket file");
    }
}
