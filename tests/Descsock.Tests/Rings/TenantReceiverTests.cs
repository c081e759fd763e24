using Descsock.Client;
using Descsock.Memory;
using Descsock.Rings;
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
                AgentFills(rx, region, agentTail, 100, (byte)(round * 16 + i));
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
        using var resources = PostedReceiver();
        var rx = resources.Receiver;
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
        using var resources = PostedReceiver128();
        var rx = resources.Receiver;
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

    [Fact]
    public unsafe void A_reader_working_through_frames_queued_earlier_gives_buffers_back_to_a_full_ring()
    {
        var layout = new TenantRegionLayout(7, 2048, 256); // 128-slot ring, 256 pool buffers
        using var resources = TenantResources.Create(null, layout, 9216, "receiver-test");
        var rx = resources.Receiver;
        ushort agentTail = 0;
        void AgentFillsEveryPostedSlot()
        {
            for (ushort head = Volatile.Read(ref rx.Ring.Head); agentTail != head; agentTail++)
            {
                ref RingDescriptor d = ref rx.Ring.Descriptor(agentTail);
                d.Length = 60;
                d.Flags = 0;
            }
            Volatile.Write(ref rx.Ring.Tail, agentTail);
        }
        Assert.Equal(128, rx.Work(out _));
        AgentFillsEveryPostedSlot();
        rx.Work(out int harvested); // the worker queues 128 frames and posts the other 128 buffers...
        Assert.Equal(128, harvested);
        AgentFillsEveryPostedSlot(); // ...which the agent fills too: the ring is full, and the worker naps
        ushort full = Volatile.Read(ref rx.Ring.Head);
        var buffer = new byte[2048];
        for (int i = 0; i < TenantReceiver.RefillBurst; i++) Assert.Equal(0, rx.TryRecv(buffer, out _)); // all from the queue
        Assert.Equal(TenantReceiver.RefillBurst, (ushort)(Volatile.Read(ref rx.Ring.Head) - full)); // the freed buffers went back
    }

    [Fact]
    public unsafe void A_burst_receive_takes_the_frames_in_order_skips_a_bad_one_and_leaves_a_chain_the_agent_has_not_finished()
    {
        using var resources = PostedReceiver();
        var rx = resources.Receiver;
        byte* region = resources.Mapping.Base;
        for (int i = 0; i < 10; i++)
        {
            AgentFills(rx, region, i, 80, (byte)i, i == 9 ? DescriptorLayout.FlagNext : (ushort)0); // slot 9: a chain whose rest is not there yet
            if (i == 4) rx.Ring.Descriptor(i).Length = 0; // slot 4: a zero-length descriptor, dropped
        }
        Volatile.Write(ref rx.Ring.Tail, (ushort)10);
        var buffers = Enumerable.Range(0, 16).Select(_ => new Memory<byte>(new byte[2048])).ToArray();
        var lengths = new int[16];
        Assert.Equal(8, rx.TryRecvBurst(buffers, lengths, out int status));
        Assert.Equal(Interop.Errno.EWOULDBLOCK, status);
        byte[] marks = [0, 1, 2, 3, 5, 6, 7, 8];
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(84, lengths[i]);
            Assert.Equal(marks[i], buffers[i].Span[79]);
            Assert.Equal(0, buffers[i].Span[80]); // the CRC bytes are zeroed
        }
        Assert.Equal(1, rx.DroppedInvalid);
        Assert.Equal(1, rx.Queued); // the unfinished chain waits for the rest
        Assert.Equal(8, rx.Frames);
    }

    [Fact]
    public unsafe void A_burst_receive_fills_at_most_the_shorter_of_its_buffers_and_lengths()
    {
        using var resources = PostedReceiver();
        var rx = resources.Receiver;
        for (int i = 0; i < 6; i++)
        {
            ref RingDescriptor d = ref rx.Ring.Descriptor(i);
            d.Length = 60;
            d.Flags = 0;
        }
        Volatile.Write(ref rx.Ring.Tail, (ushort)6);
        var buffers = Enumerable.Range(0, 4).Select(_ => new Memory<byte>(new byte[2048])).ToArray();
        Assert.Equal(2, rx.TryRecvBurst(buffers, new int[2], out int status));
        Assert.Equal(0, status); // filled: not an error
        Assert.Equal(4, rx.TryRecvBurst(buffers, new int[8], out status));
        Assert.Equal(0, status);
        Assert.Equal(0, rx.TryRecvBurst(buffers, new int[8], out status));
        Assert.Equal(Interop.Errno.EWOULDBLOCK, status);
    }

    [Fact]
    public unsafe void A_burst_receive_takes_frames_straight_off_the_ring_and_gives_their_buffers_back()
    {
        using var resources = PostedReceiver128();
        var rx = resources.Receiver;
        byte* region = resources.Mapping.Base;
        var buffers = Enumerable.Range(0, 32).Select(_ => new Memory<byte>(new byte[2048])).ToArray();
        var lengths = new int[32];
        ushort agentTail = 0;
        for (int round = 0; round < 8; round++) // 8 × 32 frames through a 128-slot ring: only if the buffers go back
        {
            for (int i = 0; i < 32; i++, agentTail++)
            {
                AgentFills(rx, region, agentTail, 70, (byte)(round * 32 + i));
            }
            Volatile.Write(ref rx.Ring.Tail, agentTail);
            Assert.Equal(32, rx.TryRecvBurst(buffers, lengths, out int status));
            Assert.Equal(0, status);
            Assert.Equal(0, rx.Queued); // nothing is left queued
            for (int i = 0; i < 32; i++)
            {
                Assert.Equal(74, lengths[i]);
                Assert.Equal((byte)(round * 32 + i), buffers[i].Span[69]);
                Assert.Equal(0, buffers[i].Span[70]);
            }
            Assert.Equal(128, (ushort)(Volatile.Read(ref rx.Ring.Head) - agentTail)); // all 32 reposted
        }
        Assert.Equal(256, rx.Frames);
    }

    [Fact]
    public unsafe void A_filled_burst_leaves_the_frames_after_it_on_the_ring_for_the_next_call_in_order()
    {
        using var resources = PostedReceiver128();
        var rx = resources.Receiver;
        byte* region = resources.Mapping.Base;
        for (int i = 0; i < 40; i++)
        {
            AgentFills(rx, region, i, 64, (byte)i);
        }
        Volatile.Write(ref rx.Ring.Tail, (ushort)40);
        var buffers = Enumerable.Range(0, 32).Select(_ => new Memory<byte>(new byte[2048])).ToArray();
        var lengths = new int[32];
        Assert.Equal(32, rx.TryRecvBurst(buffers, lengths, out int status));
        Assert.Equal(0, status);
        Assert.Equal(0, rx.Queued); // not harvested: the next call takes them straight off the ring too
        Assert.Equal(32 + 128, Volatile.Read(ref rx.Ring.Head)); // the 32 taken were reposted
        Assert.Equal(8, rx.TryRecvBurst(buffers, lengths, out status));
        Assert.Equal(Interop.Errno.EWOULDBLOCK, status);
        for (int i = 0; i < 8; i++) Assert.Equal((byte)(32 + i), buffers[i].Span[63]);
        Assert.Equal(40, rx.Frames);
    }

    [Fact]
    public unsafe void A_burst_receive_off_the_ring_leaves_a_frame_too_large_for_its_buffer_and_delivers_a_chain_whole()
    {
        using var resources = PostedReceiver();
        var rx = resources.Receiver;
        byte* region = resources.Mapping.Base;
        // Slots: 0, 1 single frames of 100 bytes; 2–3 one frame chained over two buffers (2048 + 500); 4 a 1000-byte frame.
        uint[] sizes = [100, 100, 2048, 500, 1000];
        for (int i = 0; i < sizes.Length; i++)
        {
            AgentFills(rx, region, i, sizes[i], (byte)(i + 1), i == 2 ? DescriptorLayout.FlagNext : (ushort)0);
        }
        Volatile.Write(ref rx.Ring.Tail, (ushort)sizes.Length);
        Memory<byte>[] buffers = [new byte[200], new byte[200], new byte[4000], new byte[200]]; // the last too small for slot 4
        var lengths = new int[4];
        Assert.Equal(3, rx.TryRecvBurst(buffers, lengths, out int status));
        Assert.Equal(Interop.Errno.EMSGSIZE, status);
        Assert.Equal([104, 104, 2552], lengths[..3]);
        Assert.Equal(1004, lengths[3]); // the room the next frame needs
        Assert.Equal(1, buffers[0].Span[99]);
        Assert.Equal(3, buffers[2].Span[2047]);
        Assert.Equal(4, buffers[2].Span[2048]); // the chain's second buffer follows its first
        Assert.Equal(1, rx.Queued); // the large frame stays, for a larger buffer
        Assert.Equal(1, rx.TryRecvBurst([new byte[2048]], lengths, out status));
        Assert.Equal(1004, lengths[0]);
        Assert.Equal(0, rx.Queued);
    }

    [Fact]
    public void A_tail_past_every_buffer_posted_is_refused_and_counted_and_nothing_is_read()
    {
        using var resources = PostedReceiver(); // 16 posted
        var rx = resources.Receiver;
        Volatile.Write(ref rx.Ring.Tail, (ushort)17);
        var buffers = Enumerable.Range(0, 4).Select(_ => new Memory<byte>(new byte[2048])).ToArray();
        Assert.Equal(0, rx.TryRecvBurst(buffers, new int[4], out int status));
        Assert.Equal(Interop.Errno.EWOULDBLOCK, status);
        Assert.Equal(1, rx.TailViolations);
        Assert.Equal(-1, rx.Work(out _)); // and the worker, which reports it, sees it too
        Assert.Equal(0, rx.Frames);
    }

    /// <summary>A 128-slot receive ring (refills of 32) with 256 pool buffers, all 128 slots posted.</summary>
    /// <summary>What the agent does with a posted slot: writes <paramref name="length"/> bytes of <paramref name="fill"/> into its buffer, then the descriptor's length and flags.</summary>
    private static unsafe void AgentFills(TenantReceiver rx, byte* region, int slot, uint length, byte fill, ushort flags = 0)
    {
        ref RingDescriptor d = ref rx.Ring.Descriptor(slot);
        new Span<byte>(region + d.Offset, (int)length).Fill(fill);
        d.Length = length;
        d.Flags = flags;
    }

    private static TenantResources PostedReceiver128()
    {
        var resources = TenantResources.Create(null, new TenantRegionLayout(7, 2048, 256), 9216, "receiver-test");
        Assert.Equal(128, resources.Receiver.Work(out _));
        return resources;
    }

    /// <summary>A 16-slot receive ring with 32 pool buffers, its first 16 posted as the supervisor posts them before the worker starts.</summary>
    private static TenantResources PostedReceiver()
    {
        var resources = TenantResources.Create(null, new TenantRegionLayout(4, 2048, 32), 9216, "receiver-test");
        resources.Receiver.Work(out _);
        return resources;
    }
}
