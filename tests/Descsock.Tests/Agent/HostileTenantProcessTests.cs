using System.Diagnostics;
using Descsock.Agent;
using Descsock.Host.Ping;
using Descsock.Interop;
using Descsock.Native;
using Descsock.Wire;
using Xunit.Abstractions;
using static Descsock.Tests.Agent.HostileAttacks;
namespace Descsock.Tests.Agent;

/// <summary>
/// The security rules against the real agent process (<c>descsock agent</c>, <see cref="AgentProcess"/>),
/// not the agent in this process: there a crash or a hang of the agent would take the test host
/// with it, here it shows as an exited process or a tenant no longer served. Hostile tenants break
/// rules 8 (chain length, frame size, descriptors out of range), 10 (doorbells filled or made
/// blocking) and 15 (more silent connections than the agent will wait for); each time the agent
/// stays alive and keeps serving a well-behaved tenant.
/// </summary>
[Collection("testpmd")]
public class HostileTenantProcessTests(ITestOutputHelper output)
{
    /// <summary>A value that leaves an eventfd's counter full: one more and a write blocks, or fails with EAGAIN.</summary>
    private const ulong FullCounter = 0xFFFF_FFFF_FFFF_FFFE;

    private const int F_DUPFD_CLOEXEC = 1030;

    private static object Echo(uint id) => new { SvcId = id, Mode = "Echo" };

    [Fact]
    public async Task Agent_process_drops_and_counts_chained_frames_longer_than_MaxFrame_or_with_too_many_segments_and_keeps_serving_another_tenant()
    {
        const int maxFrame = 4000, segment = 15, max = AgentPort.MaxSegments;
        await using var agent = await AgentProcess.StartAsync([Echo(1), Echo(2)], settings: new Dictionary<string, object> { ["MaxFrame"] = maxFrame });
        using var polite = DescsockSocket.Open(agent.Spec(2));
        using var stop = new CancellationTokenSource();
        var loop = new EchoLoop(polite);
        var running = Task.Run(() => loop.Run(stop.Token));
        await loop.WaitForAsync(1000);

        using (var hostile = await HostileTenant.OpenAsync(agent, 1))
        {
            hostile.PutChain(0, 1, maxFrame + 1, 2);                  // one byte more than MaxFrame, in two valid segments
            hostile.PutChain(4, 2, (max + 1) * segment, max + 1);     // 3855 bytes: short enough, but one segment too many
            hostile.Publish();
            var s = await agent.WaitForAsync(1, s => s.DropsInvalid >= 2);
            Assert.Equal((0L, 0L, 2L, 0L, 0L), Counts(s));
            Assert.Equal(2 + max + 1, hostile.S2MTail); // every slot of both chains consumed and handed back
            Assert.Null(hostile.TryReceive(Quiet)); // no part of either was forwarded

            // The limits themselves pass (and the cursor is still on frame boundaries): exactly
            // MaxFrame bytes, and exactly the most segments allowed.
            hostile.PutChain(8, 3, maxFrame, 2);
            hostile.Publish();
            hostile.ExpectFrame(3, maxFrame);
            hostile.PutChain(12, 4, max * segment, max);
            hostile.Publish();
            hostile.ExpectFrame(4, max * segment);
            Assert.False(hostile.Disconnected);
            Assert.Equal((2L, 2L, 2L, 0L, 0L), Counts(await agent.WaitForAsync(1, s => s.FramesOut >= 2)));
        }

        long before = loop.Received;
        await loop.WaitForAsync(before + 1000);
        stop.Cancel();
        var (sent, received, error) = await running;
        output.WriteLine($"well-behaved tenant beside the attack: {sent} sent, {received} received");
        Assert.Null(error);
        Assert.Equal(sent, received);
        Assert.Equal((sent, sent, 0L, 0L, 0L), Counts(await agent.WaitForAsync(2, s => s.FramesOut == sent)));
        Assert.False(agent.HasExited, $"the agent exited:\n{agent.Output}");
    }

    [Fact]
    public async Task Agent_process_treats_doorbells_kept_full_as_already_rung_and_serves_the_tenant_that_filled_them_and_the_others()
    {
        await using var agent = await AgentProcess.StartAsync([Echo(1), Echo(2)]);
        using var polite = DescsockSocket.Open(agent.Spec(2));
        using var stop = new CancellationTokenSource();
        var loop = new EchoLoop(polite);
        var running = Task.Run(() => loop.Run(stop.Token));
        await loop.WaitForAsync(1000);

        using (var hostile = await HostileTenant.OpenAsync(agent, 1))
        {
            int s2m = hostile.S2MDoorbell, m2s = hostile.M2SDoorbell;
            Assert.True(TryWrite(s2m, FullCounter) && TryWrite(m2s, FullCounter), $"cannot fill the doorbells: errno {Errno.Last}");
            // Keep both full: whatever the agent drains (S2M) or the library's worker drains (M2S)
            // is topped up again within a millisecond, so the agent keeps meeting a full counter
            // when it rings the tenant (EAGAIN: "already signalled", rule 10).
            using var filling = new CancellationTokenSource();
            long s2mRefills = 0, m2sRefills = 0; // a refill succeeds only after someone drained the counter
            var filler = Task.Factory.StartNew(() =>
            {
                while (!filling.IsCancellationRequested)
                {
                    if (TryWrite(s2m, FullCounter)) s2mRefills++;
                    if (TryWrite(m2s, FullCounter)) m2sRefills++;
                    Thread.Sleep(1);
                }
            }, TaskCreationOptions.LongRunning);
            try
            {
                for (ulong seq = 0; seq < 100; seq++)
                {
                    if (seq % 10 == 0) await Task.Delay(20); // the worker goes to sleep and asks the agent for doorbells
                    hostile.SendFrame(seq);
                    hostile.ExpectFrame(seq);
                }
            }
            finally
            {
                filling.Cancel();
                await filler;
            }
            output.WriteLine($"the hostile tenant topped its doorbells up again: S2M (drained by the agent) {s2mRefills} times, M2S (drained by its worker) {m2sRefills} times");
            Assert.True(s2mRefills > 0, "the agent never drained the full S2M counter: the test did not exercise it");
            Assert.True(m2sRefills > 0, "the worker never drained the full M2S counter: the test did not exercise it");
            Assert.False(hostile.Disconnected, "a full doorbell counter is not a violation");
            Assert.Equal((100L, 100L, 0L, 0L, 0L), Counts(await agent.WaitForAsync(1, s => s.FramesOut == 100)));
        }

        long before = loop.Received;
        await loop.WaitForAsync(before + 1000);
        stop.Cancel();
        var (sent, received, error) = await running;
        Assert.Null(error);
        Assert.Equal(sent, received);
        Assert.Equal((sent, sent, 0L, 0L, 0L), Counts(await agent.WaitForAsync(2, s => s.FramesOut == sent)));
        Assert.False(agent.HasExited, $"the agent exited:\n{agent.Output}");
    }

    /// <summary>
    /// S2M: the agent drains this eventfd after each sleep; blocking and empty, a read would never
    /// return and the forwarding plane would stop for every tenant (the other tenant's ping after
    /// the attack would fail). M2S: the agent rings it; blocking and full, a write would block. The
    /// tenant fills it first, though the library's own worker drains it again, so what shows here
    /// is that the agent checks the flag before it rings. Either way the agent must expel the
    /// tenant with the reason, free its id, and go on serving the others.
    /// </summary>
    [Theory]
    [InlineData("S2M")]
    [InlineData("M2S")]
    public async Task Agent_process_expels_a_tenant_that_makes_its_doorbell_blocking_without_blocking_and_keeps_serving_the_others(string ring)
    {
        await using var agent = await AgentProcess.StartAsync([Echo(1), Echo(2)]);
        using var polite = DescsockSocket.Open(agent.Spec(2));
        Assert.True(Pinger.Run(polite, new PingOptions { Spec = polite.Spec, Count = 1000 }).Success);

        using var hostile = await HostileTenant.OpenAsync(agent, 1);
        // Our own reference to the eventfd's file description (where O_NONBLOCK lives), valid
        // after the library closes its descriptor: to undo the damage at the end.
        int doorbell = ring == "S2M" ? hostile.S2MDoorbell : hostile.M2SDoorbell;
        using var kept = new FileDescriptor(Libc.Fcntl(doorbell, F_DUPFD_CLOEXEC, 0));
        Assert.True(kept.Value >= 0, $"dup: errno {Errno.Last}");
        if (ring == "M2S") Assert.True(TryWrite(kept.Value, FullCounter), $"cannot fill the M2S doorbell: errno {Errno.Last}");
        int flags = Libc.Fcntl(kept.Value, Libc.F_GETFL, 0);
        Assert.Equal(0, Libc.Fcntl(kept.Value, Libc.F_SETFL, flags & ~Libc.O_NONBLOCK));

        try
        {
            // Let both sides go to sleep (the agent then drains S2M, and asks for M2S doorbells),
            // with a frame now and then for the agent to echo (and ring M2S for).
            var frame = new byte[128];
            FramePattern.Write(frame, 1, frame.Length);
            var clock = Stopwatch.StartNew();
            while (!hostile.Disconnected && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
                hostile.Socket.TrySend(frame); // the library's send: safe even as the rings are being retired
            }
            output.WriteLine($"{ring} doorbell made blocking: expelled after {clock.ElapsedMilliseconds} ms");
            Assert.True(hostile.Disconnected, $"the tenant with a blocking {ring} doorbell was not expelled");
            var e = Assert.Throws<DescsockException>(() => hostile.Socket.Recv(new byte[2048], DescsockFlags.NonBlock));
            output.WriteLine(e.Message);
            Assert.Equal(Errno.ECONNRESET, e.Errno);
            Assert.Contains($"the {ring} interrupt eventfd was switched to blocking mode", e.Message);
        }
        finally
        {
            // The library's own worker may now sleep in a read of its blocking M2S eventfd: wake it.
            Libc.Fcntl(kept.Value, Libc.F_SETFL, flags);
            TryWrite(kept.Value, 1);
        }

        Assert.False(agent.HasExited, $"the agent exited:\n{agent.Output}");
        var r = Pinger.Run(polite, new PingOptions { Spec = polite.Spec, Count = 1000 });
        Assert.True(r.Success, $"the other tenant is no longer served: {r}");
        Assert.False((await agent.WaitForAsync(1, s => !s.InUse)).InUse, "the expelled tenant's id was not freed");
        Assert.Equal((2000L, 2000L, 0L, 0L, 0L), Counts((await agent.StatsAsync()).Services[2u]));
    }

    [Fact]
    public async Task Agent_process_closes_connections_beyond_MaxPendingHandshakes_at_once_and_admits_a_tenant_once_the_silent_ones_time_out()
    {
        const int pending = 4;
        var timeout = TimeSpan.FromSeconds(1);
        await using var agent = await AgentProcess.StartAsync([Echo(1)],
            settings: new Dictionary<string, object> { ["MaxPendingHandshakes"] = pending, ["HandshakeTimeout"] = "00:00:01" });
        var msg = new byte[MemifMessageLayout.Size];
        var silent = new List<(SeqPacketSocket Socket, Stopwatch Since)>();
        try
        {
            // Silent peers: each is admitted (it gets HELLO: a session waits for it), then says nothing.
            for (int i = 0; i < pending; i++)
            {
                var s = SeqPacketSocket.Connect(agent.SocketPath);
                var since = Stopwatch.StartNew();
                silent.Add((s, since));
                Assert.Equal(ReceiveStatus.Message, s.Receive(msg, out _, out _, 2000));
                Assert.Equal(MemifMessageType.Hello, MemifCodec.PeekType(msg));
            }

            // Every slot is taken: the next connections are closed at once, before a HELLO.
            for (int i = 0; i < pending; i++)
            {
                using var extra = SeqPacketSocket.Connect(agent.SocketPath);
                var clock = Stopwatch.StartNew();
                var status = extra.Receive(msg, out _, out _, 2000);
                Assert.True(status == ReceiveStatus.Closed,
                    $"connection {pending + i + 1} beyond MaxPendingHandshakes = {pending} got {status} ({MemifCodec.PeekType(msg)}), not an immediate close");
                Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"the extra connection was closed only after {clock.ElapsedMilliseconds} ms");
            }
            // So is a real tenant, while the silent ones hold the slots.
            var refused = Assert.Throws<DescsockException>(() => DescsockSocket.Open(agent.Spec(1) with { HandshakeTimeout = TimeSpan.FromSeconds(2) }));
            output.WriteLine($"a tenant while {pending} silent connections are pending: errno {refused.Errno}: {refused.Message}");
            Assert.Equal(Errno.ECONNRESET, refused.Errno); // closed before HELLO
            Assert.True(silent[^1].Since.Elapsed < timeout, "too slow to check the cap before the handshakes timed out");

            // The agent gives up on each silent peer after HandshakeTimeout, says so, and closes.
            foreach (var (s, since) in silent)
            {
                Assert.Equal(ReceiveStatus.Message, s.Receive(msg, out _, out _, 5000));
                string? reason = ControlFuzzClient.ReasonOf(msg);
                Assert.True(reason?.Contains("timeout", StringComparison.OrdinalIgnoreCase) == true,
                    $"a silent peer got {MemifCodec.PeekType(msg)} \"{reason}\", not a DISCONNECT for the handshake timeout");
                Assert.True(since.Elapsed >= timeout - TimeSpan.FromMilliseconds(50), $"a silent peer was given up on after {since.ElapsedMilliseconds} ms");
                Assert.Equal(ReceiveStatus.Closed, s.Receive(msg, out _, out _, 2000));
                output.WriteLine($"silent peer: \"{reason}\" after {since.ElapsedMilliseconds} ms");
            }
        }
        finally
        {
            foreach (var (s, _) in silent) s.Dispose();
        }

        // The slots are free again: a legitimate tenant registers and is served.
        using var tenant = await OpenWhenAdmittedAsync(agent.Spec(1));
        var r = Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 1000 });
        Assert.True(r.Success, r.ToString());
        Assert.False(agent.HasExited, $"the agent exited:\n{agent.Output}");
    }

    [Fact]
    public async Task Agent_process_drops_and_counts_descriptors_past_the_region_end_and_stays_alive_for_other_tenants()
    {
        await using var agent = await AgentProcess.StartAsync([Echo(2), Echo(3)]);
        await HostileAttacks.DescriptorsPastTheRegionEndAsync(agent, 2);
        AssertServes(agent, 3);
    }

    [Theory]
    [InlineData(0, true, -16L, 2048u)]            // straddles the region end
    [InlineData(0, false, 0xFFFF_FF00L, 0x200u)]  // 32-bit sum wraps to 0x100
    public async Task Agent_process_writes_nothing_into_a_posted_M2S_buffer_outside_the_region_and_stays_alive_for_other_tenants(
        int region, bool fromEnd, long offset, uint length)
    {
        await using var agent = await AgentProcess.StartAsync([Echo(7), Echo(3)]);
        await HostileAttacks.PostedM2SBufferOutsideTheRegionAsync(agent, 7, region, fromEnd, offset, length);
        AssertServes(agent, 3);
    }

    /// <summary>The agent process is alive and a fresh tenant on <paramref name="svcId"/> gets 1,000 echoes back.</summary>
    private static void AssertServes(AgentProcess agent, uint svcId)
    {
        Assert.False(agent.HasExited, $"the agent exited:\n{agent.Output}");
        using var other = DescsockSocket.Open(agent.Spec(svcId));
        var r = Pinger.Run(other, new PingOptions { Spec = other.Spec, Count = 1000 });
        Assert.True(r.Success, r.ToString());
    }

    /// <summary>
    /// Opens <paramref name="spec"/>, retrying for up to 1 s: the agent frees a slot when a timed-out
    /// session has stopped, a moment after that session's socket closed.
    /// </summary>
    private static async Task<DescsockSocket> OpenWhenAdmittedAsync(DescsockClientSpec spec)
    {
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(50))
        {
            try
            {
                return DescsockSocket.Open(spec);
            }
            catch (DescsockException) when (clock.Elapsed < TimeSpan.FromSeconds(1))
            {
            }
        }
    }

    /// <summary>Adds <paramref name="value"/> to an eventfd's counter without blocking (on a non-blocking descriptor); false on EAGAIN (full).</summary>
    private static unsafe bool TryWrite(int eventFd, ulong value) => Libc.Write(eventFd, &value, sizeof(ulong)) == sizeof(ulong);
}
