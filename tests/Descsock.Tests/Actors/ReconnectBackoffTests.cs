using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Descsock.Agent;
using Descsock.Client;
using Descsock.Engine;
using Descsock.Host.Ping;
using Descsock.Interop;
using Descsock.Tests.Agent;
using Xunit.Abstractions;
namespace Descsock.Tests.Actors;

/// <summary>
/// The supervisor's re-registration backoff on a controllable clock: the tenant's actor system
/// runs on TestKit's <see cref="TestScheduler"/>, so nothing happens until the test advances
/// time; the agent runs on its own system with a real clock.
/// </summary>
[Collection("testpmd")]
public class ReconnectBackoffTests : TestKit
{
    private readonly ITestOutputHelper _output;

    public ReconnectBackoffTests(ITestOutputHelper output) : base(
        ConfigurationFactory.ParseString("""akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """)
            .WithFallback(DescsockEngine.DefaultConfig), output: output) => _output = output;

    [Fact]
    public async Task Each_attempt_waits_out_its_delay_on_the_schedulers_clock_and_the_delays_grow()
    {
        var echo = new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo };
        var first = await AgentFixture.StartAsync(echo);
        string path = first.SocketPath;
        var scheduler = (TestScheduler)Sys.Scheduler;
        Sys.EventStream.Subscribe(TestActor, typeof(TenantSupervisor.ReconnectScheduled));
        Sys.EventStream.Subscribe(TestActor, typeof(TenantSupervisor.Reconnected));
        var spec = first.Spec(1) with { ReconnectInitialDelay = TimeSpan.FromSeconds(1), ReconnectMaxDelay = TimeSpan.FromMinutes(1) };
        var tenant = await DescsockSocket.OpenAsync(spec, engine: new DescsockEngine(Sys));

        await first.DisposeAsync();
        var one = ExpectMsg<TenantSupervisor.ReconnectScheduled>(TimeSpan.FromSeconds(5));
        _output.WriteLine(one.ToString());
        Assert.Equal(1, one.Attempt);
        Assert.InRange(one.Delay.TotalMilliseconds, 800, 1200); // 1 s ± 20 %

        scheduler.Advance(one.Delay - TimeSpan.FromMilliseconds(1));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // not yet: no attempt, so no failure and no next delay
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In));

        scheduler.Advance(TimeSpan.FromMilliseconds(1)); // the attempt runs, finds no agent, schedules the next
        var two = ExpectMsg<TenantSupervisor.ReconnectScheduled>(TimeSpan.FromSeconds(5));
        _output.WriteLine(two.ToString());
        Assert.Equal(2, two.Attempt);
        Assert.Equal(Errno.ENOENT, two.Errno);
        Assert.InRange(two.Delay.TotalMilliseconds, 1600, 2400); // doubled, ± 20 %

        await using var second = await AgentFixture.StartAsync(new AgentSettings { SocketPath = path }, echo);
        scheduler.Advance(two.Delay);
        var back = ExpectMsg<TenantSupervisor.Reconnected>(TimeSpan.FromSeconds(10));
        Assert.Equal(2, back.Attempts);
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 1000 }).Success);
        await tenant.CloseAsync();
    }
}
