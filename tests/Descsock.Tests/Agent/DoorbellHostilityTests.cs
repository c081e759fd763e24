using Descsock.Agent;
using Descsock.Host.Ping;
using Descsock.Interop;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>
/// Security rule 10: a tenant can switch the eventfd it shares with the agent to blocking mode
/// (O_NONBLOCK lives in the shared file description). The agent must never block on it: it
/// never reads a tenant's doorbell (edge-triggered epoll), checks the flag before ringing one,
/// and expels a tenant that changed it, while the other tenants keep being served.
/// </summary>
[Collection("testpmd")]
public class DoorbellHostilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_tenant_that_makes_its_doorbell_blocking_is_expelled_and_the_plane_keeps_serving_the_others()
    {
        await using var agent = await AgentFixture.StartAsync(
            new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo }, new ServiceSettings { SvcId = 2, Mode = ServiceMode.Echo });
        using var polite = DescsockSocket.Open(agent.Spec(2));
        using var hostile = DescsockSocket.Open(agent.Spec(1) with { Reconnect = false });
        var doorbell = hostile.Endpoint.Resources!.ReceiveDoorbell.Descriptor.Value; // the M2S eventfd, shared with the agent
        int flags = Libc.Fcntl(doorbell, Libc.F_GETFL, 0);
        Assert.Equal(0, Libc.Fcntl(doorbell, Libc.F_SETFL, flags & ~Libc.O_NONBLOCK));

        // Let the tenant's worker go to sleep (it then asks for doorbells), then make the agent ring one.
        var frame = new byte[128];
        FramePattern.Write(frame, 1, frame.Length);
        for (int i = 0; i < 20 && !hostile.Endpoint.State.Equals(Descsock.Client.EndpointState.Disconnected); i++)
        {
            await Task.Delay(300);
            hostile.TrySend(frame);
        }
        Assert.Equal(DescsockPollEvents.Err, hostile.Poll(DescsockPollEvents.In));
        var e = Assert.Throws<DescsockException>(() => hostile.Recv(new byte[2048], DescsockFlags.NonBlock));
        output.WriteLine(e.Message);
        Assert.Contains("blocking", e.Message);

        var r = Pinger.Run(polite, new PingOptions { Spec = polite.Spec, Count = 5000 });
        Assert.True(r.Success, r.ToString());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await agent.StatsAsync()).Services[1u].InUse && clock.ElapsedMilliseconds < 1000) await Task.Delay(10);
        Assert.False((await agent.StatsAsync()).Services[1u].InUse, "the expelled tenant's id was not freed");
    }
}
