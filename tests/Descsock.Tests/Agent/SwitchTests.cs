using Descsock.Agent;
using Descsock.Host.Ping;
namespace Descsock.Tests.Agent;

/// <summary>The learning switch: three C# tenants on one group.</summary>
[Collection("testpmd")]
public class SwitchTests
{
    private static readonly byte[] MacA = [0x02, 0, 0, 0, 0, 0xA], MacB = [0x02, 0, 0, 0, 0, 0xB], MacC = [0x02, 0, 0, 0, 0, 0xC];
    private static readonly byte[] Broadcast = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    private static byte[] Frame(byte[] dst, byte[] src, ulong seq, int size)
    {
        var f = new byte[size];
        FramePattern.Write(f, seq, size);
        dst.CopyTo(f, 0);
        src.CopyTo(f, 6);
        return f;
    }

    [Fact]
    public async Task Two_tenants_exchange_100000_frames_each_way_and_a_third_sees_no_unicast()
    {
        await using var agent = await AgentFixture.StartAsync(
            new ServiceSettings { SvcId = 10, Mode = ServiceMode.Switch, Group = "lan" },
            new ServiceSettings { SvcId = 11, Mode = ServiceMode.Switch, Group = "lan" },
            new ServiceSettings { SvcId = 12, Mode = ServiceMode.Switch, Group = "lan" });
        using var a = DescsockSocket.Open(agent.Spec(10));
        using var b = DescsockSocket.Open(agent.Spec(11));
        using var c = DescsockSocket.Open(agent.Spec(12));
        var buf = new byte[2048];

        // Each announces itself with a broadcast: everyone else sees it, and the switch learns.
        a.Send(Frame(Broadcast, MacA, 0, 64));
        b.Send(Frame(Broadcast, MacB, 0, 64));
        Assert.Equal(64, b.Recv(buf));
        Assert.Equal(64, a.Recv(buf));
        Assert.Equal(64, c.Recv(buf));
        Assert.Equal(64, c.Recv(buf));

        const int count = 100_000;
        long aSent = 0, bSent = 0, aGot = 0, bGot = 0;
        var rng = new Random(3);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((aGot < count || bGot < count) && DateTime.UtcNow < deadline)
        {
            for (int i = 0; i < 32 && aSent < count && aSent - bGot < 256; i++)
                if (a.TrySend(Frame(MacB, MacA, (ulong)aSent, rng.Next(68, 1523)))) aSent++; else break;
            for (int i = 0; i < 32 && bSent < count && bSent - aGot < 256; i++)
                if (b.TrySend(Frame(MacA, MacB, (ulong)bSent, rng.Next(68, 1523)))) bSent++; else break;
            while (b.TryRecv(buf, out int n))
            {
                Assert.Null(FramePattern.Verify(buf.AsSpan(0, n), out ulong seq));
                Assert.Equal((ulong)bGot++, seq);
            }
            while (a.TryRecv(buf, out int n))
            {
                Assert.Null(FramePattern.Verify(buf.AsSpan(0, n), out ulong seq));
                Assert.Equal((ulong)aGot++, seq);
            }
        }
        Assert.Equal((count, count), (aGot, bGot));
        await Task.Delay(200);
        Assert.False(c.TryRecv(buf, out _), "the third tenant received a unicast frame meant for another port");
        var stats = await agent.StatsAsync();
        Assert.Equal(count + 1L, stats.Services[10u].FramesIn);
        Assert.Equal(count + 1L, stats.Services[11u].FramesIn);
        Assert.Equal(2L, stats.Services[12u].FramesOut); // only the two broadcasts
    }
}
