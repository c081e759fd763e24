using Descsock.Agent;
using Descsock.Host.Ping;
using Descsock.Interop;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>The C# agent's services, with C# tenants, end to end over real shared memory.</summary>
[Collection("testpmd")]
public class AgentServiceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Echo_service_returns_every_frame_and_its_counters_reconcile_exactly()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        using (var tenant = DescsockSocket.Open(agent.Spec(1)))
        {
            var r = Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 100_000 });
            output.WriteLine(r.ToString());
            Assert.True(r.Success, r.ToString());
        }
        var s = await agent.WaitForAsync(1, s => s.FramesOut == 100_000);
        Assert.Equal((100_000L, 100_000L, 0L), (s.FramesIn, s.FramesOut, s.DropsInvalid + s.DropsNoRoom + s.DropsSink));
        Assert.Equal(s.BytesIn, s.BytesOut);
    }

    [Fact]
    public async Task Echo_service_can_swap_macs()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 2, Mode = ServiceMode.Echo, SwapMacs = true });
        using var tenant = DescsockSocket.Open(agent.Spec(2));
        var f = new byte[100];
        FramePattern.Write(f, 5, f.Length);
        tenant.Send(f);
        var back = new byte[2048];
        int n = tenant.Recv(back);
        Assert.Equal(100, n);
        Assert.Equal(f[6..12], back[..6]);
        Assert.Equal(f[..6], back[6..12]);
        Assert.Equal(f[12..96], back[12..96]);
    }

    [Fact]
    public async Task Sink_service_counts_and_drops_every_frame()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 3, Mode = ServiceMode.Sink });
        using var tenant = DescsockSocket.Open(agent.Spec(3));
        var f = new byte[200];
        for (int i = 0; i < 20_000; i++) tenant.Send(f);
        var s = await agent.WaitForAsync(3, s => s.FramesIn == 20_000);
        Assert.Equal((20_000L, 20_000L, 0L, 20_000L * 196), (s.FramesIn, s.DropsSink, s.FramesOut, s.BytesIn));
        Assert.Equal(DescsockPollEvents.None, tenant.Poll(DescsockPollEvents.In));
    }

    [Fact]
    public async Task Refusals_give_the_documented_errno_and_the_agent_keeps_serving()
    {
        await using var agent = await AgentFixture.StartAsync(
            new ServiceSettings { SvcId = 5, Mode = ServiceMode.Echo, Secret = "opensesame" });
        using var first = DescsockSocket.Open(agent.Spec(5, "opensesame"));
        Assert.Equal(Errno.ECONNREFUSED, Assert.Throws<DescsockException>(() => DescsockSocket.Open(agent.Spec(99))).Errno);
        Assert.Equal(Errno.EACCES, Assert.Throws<DescsockException>(() => DescsockSocket.Open(agent.Spec(5, "wrong"))).Errno);
        Assert.Equal(Errno.EACCES, Assert.Throws<DescsockException>(() => DescsockSocket.Open(agent.Spec(5))).Errno);
        var dup = Assert.Throws<DescsockException>(() => DescsockSocket.Open(agent.Spec(5, "opensesame")));
        Assert.Equal(Errno.EADDRINUSE, dup.Errno);
        Assert.Contains("Already connected", dup.Message);
        var r = Pinger.Run(first, new PingOptions { Spec = first.Spec, Count = 5000 });
        Assert.True(r.Success, r.ToString());
    }

    [Fact]
    public async Task The_master_socket_is_created_with_mode_0660_whatever_the_umask()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1 });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
            File.GetUnixFileMode(agent.SocketPath));
    }

    [Fact]
    public async Task Allow_lists_admit_only_the_listed_peer_uids_and_gids()
    {
        uint uid = Descsock.Interop.Libc.GetEuid(), other = uid + 4242;
        await using var agent = await AgentFixture.StartAsync(
            new ServiceSettings { SvcId = 8, AllowedUids = [other] },
            new ServiceSettings { SvcId = 9, AllowedUids = [other], AllowedGids = [EffectiveGid()] },
            new ServiceSettings { SvcId = 10, AllowedUids = [uid] });
        var refused = Assert.Throws<DescsockException>(() => DescsockSocket.Open(agent.Spec(8)));
        Assert.Equal(Errno.EACCES, refused.Errno);
        Assert.Contains($"uid {uid}", refused.Message);
        Assert.False((await agent.StatsAsync()).Services[8u].InUse, "a refused peer must not hold the id");
        using var byGid = DescsockSocket.Open(agent.Spec(9));
        using var byUid = DescsockSocket.Open(agent.Spec(10));
        Assert.True(Pinger.Run(byUid, new PingOptions { Spec = byUid.Spec, Count = 1000 }).Success);
    }

    /// <summary>Our effective gid, from /proc (the "Gid:" line lists real, effective, saved, fs).</summary>
    private static uint EffectiveGid() =>
        uint.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Gid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_closed_tenants_service_id_is_free_again_within_a_second()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 7, Mode = ServiceMode.Echo });
        DescsockSocket.Open(agent.Spec(7)).Close();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await agent.StatsAsync()).Services[7u].InUse && clock.ElapsedMilliseconds < 1000) await Task.Delay(10);
        Assert.False((await agent.StatsAsync()).Services[7u].InUse, "svc_id 7 still in use a second after close");
        using var again = DescsockSocket.Open(agent.Spec(7));
        Assert.True(Pinger.Run(again, new PingOptions { Spec = again.Spec, Count = 1000 }).Success);
    }
}
