using Descsock.Client;
using Descsock.Memory;
using Descsock.Wire;
namespace Descsock.Tests.Rings;

/// <summary>
/// The receive ring without any worker running: this test plays the agent on real shared memory
/// (a sealed memfd), filling the buffers the tenant posted and moving the M2S tail, and the
/// reader must harvest them itself, as a polling application does.
/// </summary>
public class TenantReceiverTests
{
    [Fact]
    public unsafe void A_polling_reader_harvests_the_ring_itself_and_reposts_the_buffers_when_no_worker_runs()
    {
        var layout = new TenantRegionLayout(4, 2048, 32); // 16-slot ring, 32 pool buffers
        using var resources = TenantResources.Create(null, layout, 9216, "receiver-test");
        var rx = resources.Receiver;
        Assert.Equal(16, rx.Work(out int harvested)); // what the supervisor does before the worker starts: post 16 buffers
        Assert.Equal(0, harvested);
        byte* region = resources.Mapping.Base;
        var buffer = new byte[2048];
        ushort agentTail = 0;
        for (int round = 0; round < 10; round++) // 10 × 16 frames: only works if the reader reposts what it frees
        {
            Assert.Equal(16, (ushort)(Volatile.Read(ref rx.Ring.Head) - agentTail)); // the agent always has 16 buffers
            for (int i = 0; i < 16; i++, agentTail++)
            {
                ref RingDescriptor d = ref rx.Ring.Descriptor(agentTail);
                var data = new Span<byte>(region + d.Offset, 100);
                data.Fill((byte)(round * 16 + i));
                d.Length = 100;
                d.Flags = 0;
            }
            Volatile.Write(ref rx.Ring.Tail, agentTail);
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal(0, rx.TryRecv(buffer, out int length));
                Assert.Equal(104, length);
                Assert.Equal((byte)(round * 16 + i), buffer[0]);
                Assert.Equal((byte)(round * 16 + i), buffer[99]);
            }
            Assert.Equal(Interop.Errno.EWOULDBLOCK, rx.TryRecv(buffer, out _));
        }
        Assert.True(rx.Assists > 0);
        Assert.Equal(160, rx.Frames);
    }

    [Fact]
    public unsafe void Poll_sees_a_frame_the_worker_has_not_harvested()
    {
        var layout = new TenantRegionLayout(4, 2048, 32);
        using var resources = TenantResources.Create(null, layout, 9216, "receiver-test");
        var rx = resources.Receiver;
        rx.Work(out _);
        Assert.False(rx.HasFrame);
        ref RingDescriptor d = ref rx.Ring.Descriptor(0);
        d.Length = 60;
        d.Flags = 0;
        Volatile.Write(ref rx.Ring.Tail, (ushort)1);
        Assert.True(rx.HasFrame);
        Assert.Equal(1, rx.Queued);
    }
    [Fact]
    public unsafe void Buffers_go_back_to_the_agent_a_burst_at_a_time_not_one_by_one()
    {
        var layout = new TenantRegionLayout(7, 2048, 256); // 128-slot ring: refills of 32
        using var resources = TenantResources.Create(null, layout, 9216, "receiver-test");
        var rx = resources.Receiver;
        Assert.Equal(128, rx.Work(out _));
        var buffer = new byte[2048];
        ushort agentTail = 0;
        ushort Head() => Volatile.Read(ref rx.Ring.Head);
        for (int frame = 1; frame <= 64; frame++, agentTail++)
        {
            ref RingDescriptor d = ref rx.Ring.Descriptor(agentTail);
            d.Length = 60;
            d.Flags = 0;
            Volatile.Write(ref rx.Ring.Tail, (ushort)(agentTail + 1));
            Assert.Equal(0, rx.TryRecv(buffer, out _)); // harvests this one frame itself
            // The head moves only when 32 slots are empty, and then by all of them: never by one.
            Assert.True((ushort)(Head() - 128) % Descsock.Rings.TenantReceiver.RefillBurst == 0, $"after frame {frame} the head is {Head()}");
        }
        Assert.True(Head() >= 128 + 32, $"the buffers were never given back (head {Head()})");
    }
}
