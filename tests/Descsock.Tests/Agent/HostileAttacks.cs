using Descsock.Wire;
namespace Descsock.Tests.Agent;

/// <summary>
/// Attacks and checks shared by the hostile-tenant tests, written once against <see cref="ITestAgent"/>
/// so that <see cref="HostileTenantTests"/> plays them against the agent in this process and
/// <c>HostileTenantProcessTests</c> against the real agent process.
/// </summary>
internal static class HostileAttacks
{
    /// <summary>How long "nothing arrives" is watched for.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    /// <summary>A service's counters as one comparable tuple: frames in, frames out, drops invalid, no-room, sink.</summary>
    public static (long In, long Out, long Invalid, long NoRoom, long Sink) Counts(Descsock.Agent.Agent.ServiceStats s) =>
        (s.FramesIn, s.FramesOut, s.DropsInvalid, s.DropsNoRoom, s.DropsSink);

    /// <summary>
    /// Rule 8, S2M: five descriptors reaching past the end of region 0 — straddling it, starting at
    /// it, and three whose 32-bit offset + length would wrap to a small, in-range value — are each
    /// dropped and counted as invalid, and nothing is forwarded for them; then a frame in the
    /// region's last 64 bytes (no off-by-one the other way) and an ordinary frame come back intact.
    /// <paramref name="svcId"/> must be an echo service with no other tenant.
    /// </summary>
    public static async Task DescriptorsPastTheRegionEndAsync(ITestAgent agent, uint svcId)
    {
        using var hostile = await HostileTenant.OpenAsync(agent, svcId);
        ulong size = hostile.RegionSize;
        Assert.True(size < 0xFFFF_0000, "the wrap cases below assume a region far smaller than 4 GiB");

        hostile.Transmit(new RingDescriptor { Offset = (uint)(size - 10), Length = 64 });   // straddles the end
        hostile.Transmit(new RingDescriptor { Offset = (uint)size, Length = 64 });         // starts at the end
        hostile.Transmit(new RingDescriptor { Offset = 0xFFFF_FFF0, Length = 0x20 });      // 32-bit sum wraps to 0x10
        hostile.Transmit(new RingDescriptor { Offset = 0x40, Length = 0xFFFF_FFF0 });      // 32-bit sum wraps to 0x30
        hostile.Transmit(new RingDescriptor { Offset = 0, Length = uint.MaxValue });
        var s = await agent.WaitForAsync(svcId, s => s.DropsInvalid >= 5);
        Assert.Equal((0L, 0L, 5L, 0L, 0L), Counts(s));
        Assert.Null(hostile.TryReceive(Quiet));

        // The last 64 bytes of the region are a legal buffer (no off-by-one the other way).
        hostile.Transmit(hostile.StageFrameAt(size - 64, 11));
        hostile.ExpectFrame(11);
        hostile.SendFrame(12);
        hostile.ExpectFrame(12);
        Assert.False(hostile.Disconnected);
        Assert.Equal((2L, 2L, 5L, 0L, 0L), Counts((await agent.StatsAsync()).Services[svcId]));
    }

    /// <summary>
    /// Rule 8, M2S: the empty buffer the agent fills next (at its tail) is rewritten to
    /// [<paramref name="offset"/> + <paramref name="length"/>] of <paramref name="region"/> (from the
    /// region's end when <paramref name="fromEnd"/>). The agent must drop and count the frame that
    /// would go there, hand nothing back, write neither the descriptor nor a byte at the region's end
    /// (a canary), and serve the tenant again once the buffer is put back.
    /// <paramref name="svcId"/> must be an echo service with no other tenant.
    /// </summary>
    public static async Task PostedM2SBufferOutsideTheRegionAsync(ITestAgent agent, uint svcId, int region, bool fromEnd, long offset, uint length)
    {
        using var hostile = await HostileTenant.OpenAsync(agent, svcId);
        hostile.Region(hostile.RegionSize - 64, 64).Fill(0xA5); // a canary in the region's last bytes
        var bad = new RingDescriptor
        {
            Region = (ushort)region,
            Offset = (uint)(fromEnd ? (long)hostile.RegionSize + offset : offset),
            Length = length,
        };
        ref var posted = ref hostile.NextPostedM2S;
        var original = posted;
        posted = bad;
        ushort tail = hostile.M2STail;

        hostile.SendFrame(0);
        var s = await agent.WaitForAsync(svcId, s => s.DropsInvalid >= 1);
        Assert.Equal((1L, 0L, 1L, 0L, 0L), Counts(s));
        Assert.Null(hostile.TryReceive(Quiet));
        Assert.Equal(tail, hostile.M2STail); // the refused slot was not handed back
        Assert.Equal(bad, hostile.NextPostedM2S); // neither length nor flags were written into it
        Assert.True(hostile.Region(hostile.RegionSize - 64, 64).IndexOfAnyExcept((byte)0xA5) < 0, "bytes at the region end were overwritten");

        hostile.NextPostedM2S = original;
        hostile.SendFrame(1);
        hostile.ExpectFrame(1);
        Assert.False(hostile.Disconnected);
        Assert.Equal((2L, 1L, 1L, 0L, 0L), Counts((await agent.StatsAsync()).Services[svcId]));
    }
}
