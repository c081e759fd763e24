using Descsock.Agent;
using Descsock.Host.Peers;
using Descsock.Tests.Peers;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>DPDK as the tenant: dpdk-testpmd role=client connects to the C# agent.</summary>
[Collection("testpmd")]
public class TestPmdClientTests(ITestOutputHelper output)
{
    private static Task<TestPmd> StartClientAsync(string socket, string mode, int id)
    {
        Assert.True(TestPmd.IsAvailable(out string reason), reason);
        return TestPmd.StartAsync(new TestPmdOptions { Role = "client", SocketPath = socket, ForwardMode = mode, Id = id });
    }

    [Fact]
    public async Task Testpmd_txonly_client_frames_are_counted_by_a_sink_service()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 20, Mode = ServiceMode.Sink });
        await using var pmd = await StartClientAsync(agent.SocketPath, "txonly", 20);
        var s = await agent.WaitForAsync(20, s => s.FramesIn > 100_000);
        output.WriteLine($"agent: {s}");
        output.WriteLine(pmd.Output);
        Assert.True(s.FramesIn > 100_000, $"only {s.FramesIn} frames arrived");
        Assert.Equal(0, s.DropsInvalid);
        Assert.Equal(64L * s.FramesIn, s.BytesIn); // testpmd's txonly frames are 64 bytes
        var tx = await pmd.WaitForStatsAsync(t => t.TxPackets > 0, TimeSpan.FromSeconds(5));
        Assert.NotNull(tx);
    }

    [Fact]
    public async Task Testpmd_io_client_receives_what_an_echo_service_returns()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 21, Mode = ServiceMode.Echo });
        // io mode sends nothing by itself; --tx-first starts a ping-pong of one burst.
        Assert.True(TestPmd.IsAvailable(out string reason), reason);
        await using var pmd = await TestPmd.StartAsync(new TestPmdOptions
        {
            Role = "client", SocketPath = agent.SocketPath, ForwardMode = "io", Id = 21, ExtraArgs = "--tx-first",
        });
        var stats = await pmd.WaitForStatsAsync(t => t.RxPackets > 10_000, TimeSpan.FromSeconds(15));
        output.WriteLine($"testpmd: {stats}");
        Assert.NotNull(stats);
        Assert.True(stats.RxPackets > 10_000, $"testpmd received only {stats.RxPackets}");
        var s = (await agent.StatsAsync()).Services[21u];
        Assert.True(s.FramesOut > 10_000 && s.DropsInvalid == 0, s.ToString());
    }
}
