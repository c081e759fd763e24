using Akka.Actor;
using Akka.TestKit.Xunit2;
using Descsock.Agent;
using Descsock.Client;
using Descsock.Engine;
using Descsock.Host.Ping;
using Descsock.Tests.Agent;
namespace Descsock.Tests.Actors;

/// <summary>
/// The supervision tree under faults: a SEP actor that throws is restarted on its pinned thread
/// and resumes the same rings; one that keeps failing is stopped, and the supervisor then
/// re-registers with the agent from scratch (fresh region and rings, same socket object).
/// </summary>
[Collection("testpmd")]
public class SepSupervisionTests() : TestKit(DescsockEngine.DefaultConfig)
{
    private async Task<TenantSupervisor.ControlReport> ReportAsync(DescsockSocket tenant) =>
        await tenant.Supervisor.Ask<TenantSupervisor.ControlReport>(TenantSupervisor.WhoOwnsControl.Instance, TimeSpan.FromSeconds(3));

    [Fact]
    public async Task A_SEP_actor_that_throws_is_restarted_and_resumes_the_same_rings()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        await using var tenant = await DescsockSocket.OpenAsync(agent.Spec(1), engine: new DescsockEngine(Sys));
        var before = await ReportAsync(tenant);
        var rings = tenant.Endpoint.Resources;
        Watch(before.Sep!);

        before.Sep!.Tell(new Sep.Fail("injected fault"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // restarted, not terminated
        var thread = await before.Sep.Ask<Sep.ThreadReport>(Sep.WhereAreYou.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(Sep.DispatcherId, thread.Dispatcher);
        var after = await ReportAsync(tenant);
        Assert.Equal(before.Sep, after.Sep);
        Assert.Equal(before.ControlFd, after.ControlFd); // same registration
        Assert.Same(rings, tenant.Endpoint.Resources); // same rings
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 5000 }).Success);
        Assert.Equal(0, tenant.Statistics.Reconnects);
    }

    [Fact]
    public async Task A_SEP_actor_that_keeps_failing_is_stopped_and_the_supervisor_re_registers()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 2, Mode = ServiceMode.Echo });
        await using var tenant = await DescsockSocket.OpenAsync(
            agent.Spec(2) with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(20) }, engine: new DescsockEngine(Sys));
        Sys.EventStream.Subscribe(TestActor, typeof(TenantSupervisor.Reconnected));
        var before = await ReportAsync(tenant);
        var rings = tenant.Endpoint.Resources;
        Watch(before.Sep!);

        for (int i = 0; i < 11; i++) before.Sep!.Tell(new Sep.Fail($"injected fault {i}")); // the strategy allows 10 a minute
        ExpectTerminated(before.Sep!, TimeSpan.FromSeconds(5));
        ExpectMsg<TenantSupervisor.Reconnected>(TimeSpan.FromSeconds(10));
        var after = await ReportAsync(tenant);
        Assert.Equal(EndpointState.Connected, after.State);
        Assert.NotEqual(before.Sep, after.Sep);
        Assert.NotSame(rings, tenant.Endpoint.Resources); // a fresh region and rings
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 5000 }).Success);
        Assert.Equal(1, tenant.Statistics.Reconnects);
    }
}
