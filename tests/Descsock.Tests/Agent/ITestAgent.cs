namespace Descsock.Tests.Agent;

/// <summary>
/// An agent a test talks to, in this process (<see cref="AgentFixture"/>) or as a real child
/// process (<see cref="AgentProcess"/>), so that one attack or check is written once and played
/// against both.
/// </summary>
public interface ITestAgent
{
    /// <summary>The master socket tenants connect to.</summary>
    string SocketPath { get; }

    /// <summary>A tenant spec for <paramref name="svcId"/> on this agent (a fresh <c>/dev/shm</c> file).</summary>
    DescsockClientSpec Spec(long svcId, string? secret = null);

    /// <summary>The agent's per-service counters now.</summary>
    Task<Descsock.Agent.Agent.Stats> StatsAsync();

    /// <summary>Polls the counters of <paramref name="svcId"/> for up to 5 s until <paramref name="until"/> holds; returns the last reading.</summary>
    Task<Descsock.Agent.Agent.ServiceStats> WaitForAsync(uint svcId, Func<Descsock.Agent.Agent.ServiceStats, bool> until);
}
