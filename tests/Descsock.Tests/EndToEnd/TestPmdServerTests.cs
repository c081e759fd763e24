using System.Buffers.Binary;
using Descsock.Host.Ping;
using Xunit.Abstractions;
namespace Descsock.Tests.EndToEnd;

/// <summary>The C# tenant against dpdk-testpmd role=server: the real, third-party memif agent.</summary>
[Collection("testpmd")]
public class TestPmdServerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("io", 100_000)]
    [InlineData("macswap", 20_000)]
    public async Task Tenant_gets_every_random_size_frame_back_intact_and_in_order(string mode, int count)
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, mode);
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        var result = Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = count, MinSize = 64 + 4, MaxSize = 1518 + 4, Seed = count });
        output.WriteLine(result.ToString());
        Assert.True(result.Success, result.ToString());
        Assert.Equal(count, result.Received);
        Assert.Equal(count, tenant.Statistics.FramesReceived);
    }

    [Fact]
    public async Task Jumbo_frames_are_chained_over_several_buffers_and_come_back_whole()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        var result = Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 2000, MinSize = 64 + 4, MaxSize = 9000 + 4, Window = 64 });
        Assert.True(result.Success, result.ToString());
    }

    [Fact]
    public async Task Txonly_server_frames_arrive_with_the_length_testpmd_sent_plus_crc()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "txonly", txpkts: "100");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        var buffer = new byte[tenant.MaxFrameLength];
        for (int i = 0; i < 5000; i++)
        {
            int n = tenant.Recv(buffer);
            Assert.Equal(100 + 4, n);
            Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(12))); // IPv4
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(100))); // the CRC bytes we add
        }
    }

    [Fact]
    public async Task Rxonly_server_counts_exactly_the_frames_and_bytes_the_tenant_sent()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "rxonly");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        var frame = new byte[1518 + 4];
        long bytes = 0;
        const int count = 50_000;
        for (int i = 0; i < count; i++)
        {
            int size = 64 + 4 + i % 1455;
            FramePattern.Write(frame, (ulong)i, size);
            tenant.Send(frame.AsSpan(0, size));
            bytes += size - 4;
        }
        var stats = await pmd.WaitForStatsAsync(s => s.RxPackets >= count, TimeSpan.FromSeconds(15));
        output.WriteLine($"testpmd: {stats}");
        Assert.NotNull(stats);
        Assert.Equal(count, stats.RxPackets);
        Assert.Equal(bytes, stats.RxBytes);
        Assert.Equal(count, tenant.Statistics.FramesSent);
    }
}
