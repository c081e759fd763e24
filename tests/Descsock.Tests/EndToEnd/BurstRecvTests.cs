using Descsock.Agent;
using Descsock.Interop;
using Descsock.Tests.Agent;
namespace Descsock.Tests.EndToEnd;

/// <summary>TryRecvBurst through a real agent: frames whole and in order, stopping where the queue ends or a frame does not fit, nothing lost.</summary>
public class BurstRecvTests
{
    [Fact]
    public async Task A_burst_receive_returns_every_echoed_frame_whole_and_in_order_chained_ones_too()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        using var socket = DescsockSocket.Open(agent.Spec(1));
        var frames = Enumerable.Range(0, 40).Select(i => (ReadOnlyMemory<byte>)BurstFrames.Frame(60 + i * 97, (byte)i)).ToArray(); // up to 3843 B: some chained
        Assert.Equal(40, socket.TrySendBurst(frames, out int errno));
        Assert.Equal(0, errno);
        var buffers = Enumerable.Range(0, 16).Select(_ => new Memory<byte>(new byte[socket.MaxFrameLength])).ToArray();
        var lengths = new int[16];
        int received = 0;
        for (long give = Environment.TickCount64 + 10_000; received < 40 && Environment.TickCount64 < give;)
        {
            int got = socket.TryRecvBurst(buffers, lengths, out errno);
            Assert.True(got <= 16, $"{got} frames in 16 buffers");
            Assert.True(got == 16 ? errno == 0 : errno == Errno.EWOULDBLOCK, $"{got} frames with errno {errno}");
            for (int i = 0; i < got; i++, received++)
            {
                Assert.Equal(frames[received].Length, lengths[i]);
                Assert.True(buffers[i].Span[..(lengths[i] - 4)].SequenceEqual(frames[received].Span[..^4]), $"frame {received} came back different");
            }
            if (got == 0) socket.Wait(DescsockPollEvents.In, TimeSpan.FromSeconds(1));
        }
        Assert.Equal(40, received);
        Assert.Equal(40, socket.Statistics.FramesReceived);
        Assert.Equal(0, socket.TryRecvBurst(buffers, lengths, out errno));
        Assert.Equal(Errno.EWOULDBLOCK, errno);
    }

    [Fact]
    public async Task A_burst_receive_stops_at_a_frame_too_large_for_its_buffer_and_keeps_it_for_the_next_call()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        using var socket = DescsockSocket.Open(agent.Spec(1));
        ReadOnlyMemory<byte>[] frames = [BurstFrames.Frame(100, 1), BurstFrames.Frame(1000, 2), BurstFrames.Frame(100, 3)];
        Assert.Equal(3, socket.TrySendBurst(frames));
        await agent.WaitForAsync(1, s => s.FramesOut >= 3); // all three in our ring: one call sees them together
        Memory<byte>[] small = [new byte[200], new byte[200], new byte[200]];
        var lengths = new int[3];
        Assert.Equal(1, socket.TryRecvBurst(small, lengths, out int errno));
        Assert.Equal(Errno.EMSGSIZE, errno);
        Assert.Equal(100, lengths[0]);
        Assert.Equal(1000, lengths[1]); // the room the second frame needs
        Memory<byte>[] large = [new byte[2000], new byte[2000], new byte[2000]];
        Assert.Equal(2, socket.TryRecvBurst(large, lengths, out errno));
        Assert.Equal(Errno.EWOULDBLOCK, errno);
        Assert.Equal((1000, (byte)2, 100, (byte)3), (lengths[0], large[0].Span[20], lengths[1], large[1].Span[20]));
    }

    [Fact]
    public async Task A_burst_receive_on_a_closed_socket_gives_EBADF_and_takes_nothing()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });
        var socket = DescsockSocket.Open(agent.Spec(1));
        socket.Close();
        Assert.Equal(0, socket.TryRecvBurst(new Memory<byte>[] { new byte[2048] }, new int[1], out int errno));
        Assert.Equal(Errno.EBADF, errno);
    }
}
