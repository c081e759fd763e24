using Descsock.Client;
using Descsock.Memory;
using Descsock.Wire;
namespace Descsock.Tests.Rings;

/// <summary>
/// The transmit ring without any worker or agent running: this test plays the agent on real
/// shared memory (a sealed memfd), reading what the tenant published and moving the S2M tail.
/// </summary>
public class TenantTransmitterTests
{
    [Fact]
    public unsafe void A_burst_uses_the_room_last_seen_then_reads_the_agents_tail_once_and_refuses_an_impossible_one()
    {
        using var resources = TenantResources.Create(null, new TenantRegionLayout(4, 2048, 32), 9216, "transmitter-test"); // 16 slots
        var tx = resources.Transmitter;
        byte* region = resources.Mapping.Base;
        byte mark = 0;
        int Send(int frames, out int status)
        {
            var burst = new ReadOnlyMemory<byte>[frames];
            for (int i = 0; i < frames; i++) burst[i] = Enumerable.Repeat(mark++, 64).ToArray();
            return tx.TrySendBurst(burst, 64, 9216, out status);
        }
        ushort Head() => Volatile.Read(ref tx.Ring.Head);
        void AgentFrees(ushort tail) => Volatile.Write(ref tx.Ring.Tail, tail);
        byte Marked(ushort slot) => region[tx.Ring.Descriptor(slot).Offset + 59]; // a frame's last byte before the CRC

        Assert.Equal(10, Send(10, out int status)); // marks 0–9
        Assert.Equal(0, status);
        Assert.Equal(10, Head());
        AgentFrees(10);
        // 6 slots by the tail last read (0), then a look finds the 10 freed: all 10 go (marks 10–19).
        Assert.Equal(10, Send(10, out status));
        Assert.Equal(0, status);
        Assert.Equal(20, Head());
        for (ushort slot = 10; slot < 20; slot++)
        {
            Assert.Equal(60u, tx.Ring.Descriptor(slot).Length); // the 4 CRC bytes stay with the tenant
            Assert.Equal((byte)slot, Marked(slot));
        }
        // The agent frees nothing more: 6 fit, then the ring is full.
        Assert.Equal(6, Send(10, out status));
        Assert.Equal(Interop.Errno.EWOULDBLOCK, status);
        Assert.Equal(26, Head());
        Assert.Equal(0, Send(1, out status));
        Assert.Equal(Interop.Errno.EWOULDBLOCK, status);
        Assert.Equal(0, tx.TailViolations);
        // A tail past everything published is impossible: refused, counted, nothing sent.
        AgentFrees(27);
        Assert.Equal(0, Send(1, out status));
        Assert.Equal(Interop.Errno.EWOULDBLOCK, status);
        Assert.Equal(1, tx.TailViolations);
        Assert.Equal(26, Head());
        Assert.Equal(26, tx.Frames);
    }
}
