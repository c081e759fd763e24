using Descsock.Agent;
using Descsock.Interop;
using Descsock.Tests.Agent;
namespace Descsock.Tests.EndToEnd;

/// <summary>TrySendBurst: frames in order, stopping at the first that is invalid or does not fit, nothing queued past it.</summary>
public class BurstSendTests
{
    [Fact]
    public async Task A_burst_arrives_whole_and_in_order_through_an_echo_service()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        using var socket = DescsockSocket.Open(agent.Spec(1));
        var frames = Enumerable.Range(0, 32).Select(i => (ReadOnlyMemory<byte>)BurstFrames.Frame(60 + i * 97, (byte)i)).ToArray(); // up to 3067 B: some chained
        Assert.Equal(32, socket.TrySendBurst(frames, out int errno));
        Assert.Equal(0, errno);
        var buffer = new byte[socket.MaxFrameLength];
        for (int i = 0; i < 32; i++)
        {
            int n = socket.Recv(buffer);
            Assert.Equal(frames[i].Length, n);
            Assert.True(buffer.AsSpan(0, n - 4).SequenceEqual(frames[i].Span[..^4]), $"frame {i} came back different");
        }
        Assert.Equal(32, socket.Statistics.FramesSent);
    }

    [Fact]
    public async Task A_burst_stops_at_an_invalid_frame_with_its_errno_and_sends_what_came_before()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        using var socket = DescsockSocket.Open(agent.Spec(1));
        ReadOnlyMemory<byte>[] tooShort = [BurstFrames.Frame(100, 1), BurstFrames.Frame(100, 2), new byte[17], BurstFrames.Frame(100, 4)];
        Assert.Equal(2, socket.TrySendBurst(tooShort, out int errno));
        Assert.Equal(Errno.EINVAL, errno);
        ReadOnlyMemory<byte>[] tooLong = [BurstFrames.Frame(100, 5), new byte[socket.MaxFrameLength + 1]];
        Assert.Equal(1, socket.TrySendBurst(tooLong, out errno));
        Assert.Equal(Errno.EMSGSIZE, errno);
        var buffer = new byte[socket.MaxFrameLength];
        foreach (byte expected in new byte[] { 1, 2, 5 })
        {
            socket.Recv(buffer);
            Assert.Equal(expected, buffer[20]);
        }
        Assert.Equal(DescsockPollEvents.None, socket.Poll(DescsockPollEvents.In)); // frames 4 and the rest were never queued
        Assert.Equal(3, socket.Statistics.FramesSent);
    }

    [Fact]
    public async Task A_burst_into_a_full_ring_queues_what_fits_and_gives_EWOULDBLOCK()
    {
        await using var agent = await AgentProcess.StartAsync([new { SvcId = 1, Mode = "Sink" }]);
        using var socket = DescsockSocket.Open(agent.Spec(1) with { RingSizeLog2 = 4 }); // 16 transmit slots
        await agent.PauseAsync(); // the agent takes nothing now
        var frames = Enumerable.Repeat<ReadOnlyMemory<byte>>(BurstFrames.Frame(100, 7), 40).ToArray();
        Assert.Equal(16, socket.TrySendBurst(frames, out int errno));
        Assert.Equal(Errno.EWOULDBLOCK, errno);
        Assert.Equal(0, socket.TrySendBurst(frames, out errno));
        Assert.Equal(Errno.EWOULDBLOCK, errno);
        await agent.ResumeAsync();
        var s = await agent.WaitForAsync(1, s => s.FramesIn == 16);
        Assert.Equal(16L, s.FramesIn);
    }
}
