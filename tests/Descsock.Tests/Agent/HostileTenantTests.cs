using System.Diagnostics;
using Descsock.Agent;
using Descsock.Host.Ping;
using Descsock.Interop;
using Descsock.Rings;
using Descsock.Wire;
using Xunit.Abstractions;
using static Descsock.Tests.Agent.HostileAttacks;
namespace Descsock.Tests.Agent;

/// <summary>
/// Nothing from a tenant is trusted (security rules 7 and 8): a hostile tenant writes bad
/// descriptors and indices straight into its rings, against the real agent over real shared
/// memory. Each bad descriptor is dropped and counted, the agent keeps serving, and a tenant
/// that keeps at it is disconnected with a reason.
/// </summary>
[Collection("testpmd")]
public class HostileTenantTests(ITestOutputHelper output)
{
    private static Task<AgentFixture> EchoAgentAsync(params uint[] ids) =>
        AgentFixture.StartAsync(ids.Select(id => new ServiceSettings { SvcId = id, Mode = ServiceMode.Echo }).ToArray());

    [Fact]
    public async Task Hostile_descriptor_naming_a_region_that_does_not_exist_is_dropped_and_counted_and_the_tenant_stays_served()
    {
        await using var agent = await EchoAgentAsync(1);
        using var hostile = await HostileTenant.OpenAsync(agent, 1);

        var good = hostile.StageFrame(0, 99);
        hostile.Transmit(good with { Region = 1 }); // only region 0 was added
        hostile.Transmit(good with { Region = ushort.MaxValue });
        var s = await agent.WaitForAsync(1, s => s.DropsInvalid >= 2);
        Assert.Equal((0L, 0L, 2L, 0L, 0L), Counts(s));
        Assert.Equal(2, hostile.S2MTail); // both slots consumed and handed back
        Assert.Null(hostile.TryReceive(Quiet)); // nothing was forwarded for them

        hostile.SendFrame(7);
        hostile.ExpectFrame(7);
        Assert.False(hostile.Disconnected);
        Assert.Equal((1L, 1L, 2L, 0L, 0L), Counts((await agent.StatsAsync()).Services[1u]));
    }

    [Fact]
    public async Task Hostile_descriptor_reaching_past_the_region_end_is_dropped_and_counted_even_where_a_32_bit_sum_would_wrap()
    {
        await using var agent = await EchoAgentAsync(2);
        await HostileAttacks.DescriptorsPastTheRegionEndAsync(agent, 2);
    }

    [Fact]
    public async Task Hostile_zero_length_descriptor_is_dropped_and_counted_and_so_is_a_chain_that_ends_in_one()
    {
        await using var agent = await EchoAgentAsync(3);
        using var hostile = await HostileTenant.OpenAsync(agent, 3);

        hostile.Transmit(hostile.StageFrame(0, 1) with { Length = 0 });
        // A valid first segment must not be forwarded on its own when the chain it starts is bad.
        hostile.Put(hostile.StageFrame(1, 2) with { Flags = DescriptorLayout.FlagNext });
        hostile.Put(hostile.StageFrame(2, 3) with { Length = 0 });
        hostile.Publish();
        var s = await agent.WaitForAsync(3, s => s.DropsInvalid >= 2);
        Assert.Equal((0L, 0L, 2L, 0L, 0L), Counts(s));
        Assert.Equal(3, hostile.S2MTail);
        Assert.Null(hostile.TryReceive(Quiet));

        hostile.SendFrame(4);
        hostile.ExpectFrame(4);
        Assert.Equal((1L, 1L, 2L, 0L, 0L), Counts((await agent.StatsAsync()).Services[3u]));
    }

    [Fact]
    public async Task Hostile_tenant_exceeding_MaxInvalidFrames_is_disconnected_with_a_reason_and_its_id_is_free_again()
    {
        const int max = 4;
        await using var agent = await AgentFixture.StartAsync(new AgentSettings { MaxInvalidFrames = max },
            new ServiceSettings { SvcId = 4, Mode = ServiceMode.Echo });
        using var hostile = await HostileTenant.OpenAsync(agent, 4);
        var bad = hostile.StageFrame(0, 0) with { Region = 9 };

        // Exactly the allowance: dropped and counted, but still connected and served.
        for (int i = 0; i < max; i++) hostile.Put(bad);
        hostile.Publish();
        await agent.WaitForAsync(4, s => s.DropsInvalid >= max);
        await Task.Delay(Quiet);
        Assert.False(hostile.Disconnected, "disconnected at the allowance, not beyond it");
        hostile.SendFrame(1);
        hostile.ExpectFrame(1);

        // One more: out.
        hostile.Transmit(bad);
        Assert.True(await hostile.WaitForDisconnectAsync(TimeSpan.FromSeconds(2)), "the tenant was not disconnected");
        var clock = Stopwatch.StartNew();
        Assert.Equal(DescsockPollEvents.Err, hostile.Socket.Poll(DescsockPollEvents.In | DescsockPollEvents.Out));
        var e = Assert.Throws<DescsockException>(() => hostile.Socket.Recv(new byte[2048]));
        output.WriteLine(e.Message);
        Assert.Equal(Errno.ECONNRESET, e.Errno);
        Assert.Contains("protocol violation", e.Message);
        Assert.Contains("region 9", e.Message);

        while ((await agent.StatsAsync()).Services[4u].InUse && clock.ElapsedMilliseconds < 2000) await Task.Delay(10);
        Assert.True(clock.ElapsedMilliseconds < 1000, $"svc_id 4 was freed only after {clock.ElapsedMilliseconds} ms");
        Assert.Equal((1L, 1L, max + 1L, 0L, 0L), Counts((await agent.StatsAsync()).Services[4u]));

        using var next = DescsockSocket.Open(agent.Spec(4));
        var r = Pinger.Run(next, new PingOptions { Spec = next.Spec, Count = 2000 });
        Assert.True(r.Success, r.ToString());
        var s = await agent.WaitForAsync(4, s => s.FramesOut == 2001);
        Assert.Equal((2001L, 2001L, max + 1L, 0L, 0L), Counts(s));
    }

    [Theory]
    [InlineData(1025)]  // one more than the 1024-slot ring
    [InlineData(32768)]
    [InlineData(65535)] // one behind the agent's cursor, in 16-bit arithmetic
    public async Task Hostile_S2M_head_more_than_a_ring_ahead_is_a_violation_nothing_is_read_and_it_ends_in_a_disconnect(int jump)
    {
        await using var agent = await EchoAgentAsync(5, 6);
        using var hostile = await HostileTenant.OpenAsync(agent, 5);
        Assert.Equal(1024, hostile.RingSize);
        // Every slot holds a valid frame: any frame the agent took would show in its counters.
        for (int i = 0; i < hostile.RingSize; i++) hostile.WriteS2M(i, hostile.StageFrame(i, (ulong)i));

        hostile.SetS2MHead((ushort)(hostile.S2MTail + jump));
        // The head stays impossible, so each round counts it again and the allowance runs out.
        Assert.True(await hostile.WaitForDisconnectAsync(TimeSpan.FromSeconds(2)), "the tenant was not disconnected");
        var e = Assert.Throws<DescsockException>(() => hostile.Socket.Recv(new byte[2048]));
        output.WriteLine(e.Message);
        Assert.Contains("protocol violation", e.Message);
        Assert.Contains("S2M head", e.Message);
        var s = await agent.WaitForAsync(5, s => !s.InUse);
        Assert.False(s.InUse);
        Assert.Equal((0L, 0L, 0L, 0L, 0L), Counts(s)); // nothing read, and a bad index is no frame

        using var other = DescsockSocket.Open(agent.Spec(6));
        Assert.True(Pinger.Run(other, new PingOptions { Spec = other.Spec, Count = 1000 }).Success);
        using var again = DescsockSocket.Open(agent.Spec(5));
        Assert.True(Pinger.Run(again, new PingOptions { Spec = again.Spec, Count = 1000 }).Success);
    }

    [Theory]
    [InlineData(1, false, 65536L, 2048u)]                 // a region that does not exist
    [InlineData(0, true, -16L, 2048u)]                    // straddles the region end
    [InlineData(0, true, 0L, 64u)]                        // starts at the region end
    [InlineData(0, false, 0xFFFF_FF00L, 0x200u)]          // 32-bit sum wraps to 0x100
    [InlineData(0, false, 0x1_0000L, 0u)]                 // zero length
    public async Task Hostile_posted_M2S_buffer_outside_the_region_drops_the_frame_counts_it_and_writes_nothing(
        int region, bool fromEnd, long offset, uint length)
    {
        await using var agent = await EchoAgentAsync(7);
        await HostileAttacks.PostedM2SBufferOutsideTheRegionAsync(agent, 7, region, fromEnd, offset, length);
    }

    [Fact]
    public async Task Hostile_M2S_head_more_than_a_ring_ahead_drops_the_frame_counts_it_and_expels_the_tenant()
    {
        await using var agent = await EchoAgentAsync(8);
        using var hostile = await HostileTenant.OpenAsync(agent, 8);
        hostile.M2SHead = (ushort)(hostile.M2STail + hostile.RingSize + 1);

        hostile.SendFrame(0);
        var s = await agent.WaitForAsync(8, s => s.FramesIn + s.DropsInvalid >= 2);
        Assert.Equal((1L, 0L, 1L, 0L, 0L), Counts(s)); // every frame in is out or counted as dropped
        // An index no correct tenant can produce is not an invalid frame but a corrupted ring: out at once.
        Assert.True(await hostile.WaitForDisconnectAsync(TimeSpan.FromSeconds(2)), "the tenant was not disconnected");
        var e = Assert.Throws<DescsockException>(() => hostile.Socket.Recv(new byte[2048]));
        output.WriteLine(e.Message);
        Assert.Contains("M2S head", e.Message);

        using var again = await ReopenWhenFreeAsync(agent, 8);
        Assert.True(Pinger.Run(again, new PingOptions { Spec = again.Spec, Count = 1000 }).Success);
    }

    private static async Task<DescsockSocket> ReopenWhenFreeAsync(AgentFixture agent, uint svcId)
    {
        for (int i = 0; i < 100 && (await agent.StatsAsync()).Services[svcId].InUse; i++) await Task.Delay(10);
        return DescsockSocket.Open(agent.Spec(svcId));
    }

    [Fact]
    public async Task Hostile_tenant_is_dropped_and_expelled_while_a_well_behaved_tenant_keeps_exchanging_every_frame()
    {
        await using var agent = await EchoAgentAsync(9, 10);
        using var polite = DescsockSocket.Open(agent.Spec(10));
        using var stop = new CancellationTokenSource();
        var loop = new EchoLoop(polite);
        var running = Task.Run(() => loop.Run(stop.Token));
        await loop.WaitForAsync(1000);

        using (var hostile = await HostileTenant.OpenAsync(agent, 9))
        {
            ulong seq = 0;
            for (int round = 0; round < 10; round++)
            {
                hostile.Transmit(hostile.StageFrame(0, 0) with { Region = 3 });
                hostile.Transmit(new RingDescriptor { Offset = 0xFFFF_FFF0, Length = 0x20 });
                hostile.Transmit(hostile.StageFrame(0, 0) with { Length = 0 });
                hostile.SendFrame(seq);
                hostile.ExpectFrame(seq++);
            }
            await hostile.WaitForQuietM2SAsync();
            var original = hostile.NextPostedM2S;
            hostile.NextPostedM2S = original with { Offset = (uint)hostile.RegionSize };
            hostile.SendFrame(seq++);
            await agent.WaitForAsync(9, s => s.DropsInvalid >= 31);
            hostile.NextPostedM2S = original;
            hostile.SendFrame(seq);
            hostile.ExpectFrame(seq);
            Assert.Equal((12L, 11L, 31L, 0L, 0L), Counts((await agent.StatsAsync()).Services[9u]));

            hostile.SetS2MHead((ushort)(hostile.S2MTail + 40000));
            Assert.True(await hostile.WaitForDisconnectAsync(TimeSpan.FromSeconds(2)), "the hostile tenant was not disconnected");
        }
        long before = loop.Received;
        await loop.WaitForAsync(before + 1000); // still served after the expulsion
        stop.Cancel();
        var (sent, received, error) = await running;
        output.WriteLine($"well-behaved tenant: {sent} sent, {received} received");
        Assert.Null(error);
        Assert.Equal(sent, received);
        var s = await agent.WaitForAsync(10, s => s.FramesOut == sent);
        Assert.Equal((sent, sent, 0L, 0L, 0L), Counts(s));
    }
}
