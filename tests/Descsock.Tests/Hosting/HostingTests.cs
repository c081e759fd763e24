using Akka.Actor;
using Akka.Hosting;
using Descsock.Agent;
using Descsock.Examples.ActorTenant;
using Descsock.Hosting;
using Descsock.Interop;
using Descsock.Tests.Agent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
namespace Descsock.Tests.Hosting;

/// <summary>
/// WithDescsock and WithDescsockAgent in real hosts: options bound from configuration, actors
/// reached through IRequiredActor, registration at host start, release at host stop.
/// </summary>
[Collection("testpmd")]
public class HostingTests
{
    private static KeyValuePair<string, string?>[] Settings(string socket, uint svcId, int batches = 50) =>
    [
        new("Descsock:MasterSocketPath", socket), new("Descsock:SvcId", $"{svcId}"), new("Descsock:Name", "hosted"),
        new("Pinger:Batches", $"{batches}"), new("Pinger:BatchSize", "32"),
    ];

    [Fact]
    public async Task The_sample_actor_tenant_exchanges_batches_and_the_host_owns_its_lifetime()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = ActorTenantHost.Build([], n => done.TrySetResult(n), Settings(agent.SocketPath, 1));
        await host.StartAsync();
        Assert.True((await agent.StatsAsync()).Services[1u].InUse, "registered while the host started");
        var client = await host.Services.GetRequiredService<IRequiredActor<DescsockClient>>().GetAsync();
        var supervisor = await host.Services.GetRequiredService<IRequiredActor<DescsockSupervisor>>().GetAsync();
        Assert.Equal(supervisor.Path, client.Path.Parent);

        // On a timeout, say where the frames stopped: not sent, dropped by the agent, or not read.
        if (await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(20))) != done.Task)
            Assert.Fail($"not every echo came back in 20 s; the agent's counters: {(await agent.StatsAsync()).Services[1u]}");
        Assert.Equal(50L * 32, await done.Task);
        var echoed = await agent.WaitForAsync(1, s => s.FramesOut == 1600);
        Assert.Equal(50L * 32, echoed.FramesOut);
        Assert.Equal(0, echoed.DropsNoRoom); // the sample's window keeps every echo within the buffers posted

        await host.StopAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await agent.StatsAsync()).Services[1u].InUse && clock.ElapsedMilliseconds < 1000) await Task.Delay(10);
        Assert.False((await agent.StatsAsync()).Services[1u].InUse, "stopping the host must release the registration");
    }

    [Fact]
    public async Task A_refused_registration_fails_the_hosts_start_with_the_errno()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        using var host = ActorTenantHost.Build([], null, Settings(agent.SocketPath, 99));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var inner = e as DescsockException ?? e.InnerException as DescsockException ?? (e as AggregateException)?.Flatten().InnerExceptions.OfType<DescsockException>().FirstOrDefault();
        Assert.True(inner is not null, e.ToString());
        Assert.Equal(Errno.ECONNREFUSED, inner!.Errno);
    }

    [Fact]
    public async Task WithDescsockAgent_runs_the_agent_in_a_host_and_a_tenant_reaches_it()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"dsh-{Guid.NewGuid():N}.sock");
        var settings = new AgentSettings { SocketPath = socket, Services = [new ServiceSettings { SvcId = 7, Mode = ServiceMode.Echo }] };
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddAkka("hosted-agent", (akka, _) => akka.WithDescsockAgent(settings));
        using var host = builder.Build();
        await host.StartAsync();
        var agent = await host.Services.GetRequiredService<IRequiredActor<DescsockAgent>>().GetAsync();
        var stats = await agent.Ask<Descsock.Agent.Agent.Stats>(Descsock.Agent.Agent.GetStats.Instance, TimeSpan.FromSeconds(5));
        Assert.True(stats.Services.ContainsKey(7));
        using (var tenant = DescsockSocket.Open(new DescsockClientSpec { MasterSocketPath = socket, SvcId = 7 }))
            Assert.True(Descsock.Host.Ping.Pinger.Run(tenant, new Descsock.Host.Ping.PingOptions { Spec = tenant.Spec, Count = 1000 }).Success);
        await host.StopAsync();
        Assert.False(File.Exists(socket), "stopping the host removes the agent's socket");
    }
}
