using System.Diagnostics;
using Descsock.Agent;
using Descsock.Client;
using Descsock.Host.Ping;
using Descsock.Interop;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>
/// Re-registration (issue #4): the agent goes away and comes back on the same socket path; the
/// application's socket object survives, reports the outage, and carries traffic again.
/// </summary>
[Collection("testpmd")]
public class ReconnectTests(ITestOutputHelper output)
{
    private static DescsockClientSpec Fast(DescsockClientSpec spec) => spec with
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        ReconnectWait = TimeSpan.FromSeconds(20),
    };

    private static byte[] Frame(ulong sequence)
    {
        var f = new byte[128];
        FramePattern.Write(f, sequence, f.Length);
        return f;
    }

    [Fact]
    public async Task Tenant_re_registers_after_the_agent_restarts_and_traffic_resumes_on_the_same_socket()
    {
        var echo = new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo };
        var first = await AgentFixture.StartAsync(echo);
        string path = first.SocketPath;
        using var tenant = DescsockSocket.Open(Fast(first.Spec(1)));
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 2000 }).Success);

        await first.DisposeAsync(); // the agent is gone: its sessions close, its socket file is removed
        var clock = Stopwatch.StartNew();
        while (tenant.Poll(DescsockPollEvents.In) != DescsockPollEvents.Err && clock.ElapsedMilliseconds < 3000) await Task.Delay(5);
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In | DescsockPollEvents.Out));
        Assert.False(tenant.TrySend(Frame(1), out int errno));
        Assert.Equal(Errno.ENOTCONN, errno);
        var nonBlocking = Assert.Throws<DescsockException>(() => tenant.Recv(new byte[2048], DescsockFlags.NonBlock));
        Assert.Equal(Errno.ENOTCONN, nonBlocking.Errno);
        output.WriteLine(nonBlocking.Message);
        Assert.Contains("re-registering", nonBlocking.Message);

        // A blocking send during the outage waits for the new registration instead of failing.
        var blockedSend = Task.Run(() => tenant.Send(Frame(7)));
        await Task.Delay(300);
        Assert.False(blockedSend.IsCompleted, "a blocking send must wait while the agent is away");

        await using var second = await AgentFixture.StartAsync(new AgentSettings { SocketPath = path }, echo);
        Assert.Equal(128, await blockedSend.WaitAsync(TimeSpan.FromSeconds(20)));
        var back = new byte[2048];
        Assert.Equal(128, tenant.Recv(back));
        Assert.Null(FramePattern.Verify(back.AsSpan(0, 128), out ulong sequence));
        Assert.Equal(7UL, sequence); // the frame sent during the outage came back intact

        var r = Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 20_000 });
        output.WriteLine(r.ToString());
        Assert.True(r.Success, r.ToString());
        Assert.Equal(1, tenant.Statistics.Reconnects);
        Assert.True((await second.StatsAsync()).Services[1u].InUse);
        Assert.Equal(20_001L, (await second.WaitForAsync(1, s => s.FramesOut == 20_001)).FramesOut);
    }

    [Fact]
    public async Task A_refusal_no_retry_can_cure_stops_re_registration_and_reports_its_errno()
    {
        var first = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 2, Mode = ServiceMode.Echo });
        string path = first.SocketPath;
        using var tenant = DescsockSocket.Open(Fast(first.Spec(2)));
        await first.DisposeAsync();
        // The agent comes back with an allow-list that excludes us: EACCES, which no retry cures.
        await using var second = await AgentFixture.StartAsync(new AgentSettings { SocketPath = path },
            new ServiceSettings { SvcId = 2, Mode = ServiceMode.Echo, AllowedUids = [Libc.GetEuid() + 1] });
        var e = Assert.Throws<DescsockException>(() => tenant.Recv(new byte[2048]));
        output.WriteLine(e.Message);
        Assert.Equal(Errno.EACCES, e.Errno);
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In));
        Assert.Equal(Errno.EACCES, Assert.Throws<DescsockException>(() => tenant.Send(Frame(1))).Errno);
    }

    [Fact]
    public async Task Without_reconnect_the_socket_reports_the_disconnect_for_good()
    {
        var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 3, Mode = ServiceMode.Echo });
        using var tenant = DescsockSocket.Open(agent.Spec(3) with { Reconnect = false });
        await agent.DisposeAsync();
        var e = Assert.Throws<DescsockException>(() => tenant.Recv(new byte[2048]));
        Assert.Equal(Errno.ECONNRESET, e.Errno);
        Assert.Equal(0, tenant.Statistics.Reconnects);
    }
}
