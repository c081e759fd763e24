using System.Diagnostics;
using Akka.Actor;
using Descsock.Agent;
using Descsock.Client;
using Descsock.Engine;
using Descsock.Tests.Agent;
namespace Descsock.Tests.Actors;

/// <summary>
/// An idle SEP worker sleeps up to <see cref="SepPump.MaxSleepMilliseconds"/> and sees its actor's
/// messages only when it wakes; the actor system's shutdown must not wait that out.
/// </summary>
public class SepShutdownTests
{
    [Fact]
    public async Task An_actor_system_whose_tenant_has_idled_into_long_sleeps_shuts_down_without_waiting_for_the_sleep_to_end()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        var system = ActorSystem.Create("sep-shutdown", DescsockEngine.DefaultConfig);
        var socket = await DescsockSocket.OpenAsync(agent.Spec(1), engine: new DescsockEngine(system));
        // Empty sleeps double from 100 ms: after 0.1 + 0.2 + … + 3.2 = 6.3 s the worker is in a 6.4 s sleep.
        await Task.Delay(TimeSpan.FromSeconds(7));
        var shutdown = Stopwatch.StartNew();
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(shutdown.Elapsed < TimeSpan.FromSeconds(3),
            $"the actor system took {shutdown.Elapsed.TotalSeconds:0.0} s to stop: its SEP worker slept on");
        Assert.True((socket.Poll(DescsockPollEvents.In) & DescsockPollEvents.Err) != 0); // the socket knows it is gone
    }
}
