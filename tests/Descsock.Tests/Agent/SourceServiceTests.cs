using System.Buffers.Binary;
using Descsock.Agent;
namespace Descsock.Tests.Agent;

/// <summary>The agent's source mode: a txonly-like generator that fills every buffer a tenant posts.</summary>
public class SourceServiceTests
{
    [Fact]
    public async Task Source_service_sends_its_udp_frame_of_the_configured_size_and_counts_what_it_sent()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 4, Mode = ServiceMode.Source, FrameSize = 300 });
        using var tenant = DescsockSocket.Open(agent.Spec(4));
        var buffer = new byte[tenant.MaxFrameLength];
        for (int i = 0; i < 10_000; i++)
        {
            int n = tenant.Recv(buffer);
            Assert.Equal(304, n); // 300 on the wire plus the 4 CRC bytes the API adds
            Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(12))); // IPv4
            Assert.Equal(17, buffer[14 + 9]); // UDP
            Assert.Equal(300 - 14, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(14 + 2))); // IP total length
            Assert.Equal(0, OnesComplementSum(buffer.AsSpan(14, 20))); // a valid IPv4 header checksum sums to 0xFFFF
        }
        var s = await agent.WaitForAsync(4, s => s.FramesOut >= 10_000);
        Assert.Equal(s.FramesOut * 300, s.BytesOut);
        Assert.Equal(0L, s.DropsNoRoom); // a generator waiting for room loses nothing
    }

    [Fact]
    public async Task Frames_a_tenant_sends_to_a_source_are_counted_and_dropped()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 4, Mode = ServiceMode.Source });
        using var tenant = DescsockSocket.Open(agent.Spec(4));
        var frame = new byte[100];
        for (int i = 0; i < 1000; i++) tenant.Send(frame);
        var s = await agent.WaitForAsync(4, s => s.FramesIn == 1000);
        Assert.Equal((1000L, 1000L), (s.FramesIn, s.DropsSink));
    }

    [Fact]
    public void Source_frame_is_refused_below_the_ethernet_minimum() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SourceFrame(SourceFrame.MinSize - 1));

    private static int OnesComplementSum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i < header.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (int)(0xFFFF - sum);
    }
}
