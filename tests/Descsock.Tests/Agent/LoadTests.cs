using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Descsock.Agent;
using Descsock.Host.Ping;
using Xunit.Abstractions;
using ServiceStats = Descsock.Agent.Agent.ServiceStats;
namespace Descsock.Tests.Agent;

/// <summary>
/// Issue #4, item 6: 64 tenants on one switch group under continuous traffic with blocking sends
/// for 60 s (<c>DESCSOCK_LOAD_SECONDS</c> overrides, for local runs), then every frame accounted
/// for, per tenant, against the agent's counters, and every frame received checked intact.
/// <para>
/// The conservation law, from the code. A frame a tenant sends is taken off its S2M ring by
/// <see cref="AgentPort.TryNextFrame"/>, which counts it in the SENDER's FramesIn (or, invalid,
/// in the sender's DropsInvalid). <see cref="ForwardingPlane"/>'s Switch learns the source MAC
/// and looks up the destination: a learned port other than the sender gets
/// <see cref="AgentPort.Transmit"/>, which counts on the DESTINATION's service either FramesOut
/// (copied into a buffer it posted), DropsNoRoom (it had posted too few buffers) or DropsInvalid
/// (it posted a bad buffer); a frame to the sender's own port counts DropsSink at the sender;
/// broadcast or unknown destinations are flooded: one Transmit per other member, counted as
/// above at each. So with tenant i sending only to tenant d = i + 1 (mod 64), once every MAC is
/// learned (and none ages out: ageing is set far beyond the run), i is the only source of d's
/// frames and, per tenant, exactly:
/// <code>
/// sent by i  = ΔFramesIn(i)                                   (ΔDropsInvalid(i) = 0)
/// ΔFramesIn(i) = received by d from i + ΔDropsNoRoom(d)       (ΔDropsInvalid(d) = ΔDropsSink(d) = 0)
/// received by d from i = ΔFramesOut(d)                        (the library loses nothing it harvested)
/// </code>
/// where Δ is the change over the load phase. The announcements before it (one broadcast per
/// tenant, one at a time) obey the flooding form: 63 copies, each received or dropped at its
/// destination. Every frame received is verified (length, checksum, ethertype), addressed to
/// its receiver, from its expected sender, in increasing sequence (drops make gaps, never reorder).
/// </para>
/// <para>
/// Two cores: one sender thread drives all 64 tenants round robin with blocking Send, one
/// receiver thread drains all 64 with TryRecv. The receiver leaves one group of eight tenants
/// unread at a time, until their receive pools are full and a little longer, so that the agent
/// drops for no room whatever the machine's speed: the law is checked with drops in it, not
/// only in the easy case.
/// </para>
/// </summary>
[Collection("testpmd")]
public class LoadTests(ITestOutputHelper output)
{
    private const int Tenants = 64;
    private const uint FirstId = 100;
    private const int Announcement = 1; // frames each tenant broadcasts before the load
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(20);
    private const int Groups = 8; // the receiver neglects tenants d with d % Groups == g, one g at a time

    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("DESCSOCK_LOAD_SECONDS"), NumberStyles.None,
            CultureInfo.InvariantCulture, out int s) && s > 0 ? s : 60);

    /// <summary>02:00:00:00:4c:NN, locally administered unicast.</summary>
    private static void WriteMac(Span<byte> to, int tenant) => ((ReadOnlySpan<byte>)[0x02, 0, 0, 0, 0x4c, (byte)tenant]).CopyTo(to);

    private static int TenantOfMac(ReadOnlySpan<byte> mac) =>
        mac[..5].SequenceEqual((ReadOnlySpan<byte>)[0x02, 0, 0, 0, 0x4c]) && mac[5] < Tenants ? mac[5] : -1;

    /// <summary>What the receiver saw at one tenant.</summary>
    private sealed class Inbox
    {
        public long Frames, Bytes, LastSequence = -1;
        public long Corrupt, Misaddressed, WrongSender, Disorder;
        public string? FirstError;

        public void Fail(ref long counter, string error)
        {
            counter++;
            FirstError ??= error;
        }
    }

    [Fact]
    public async Task Sixty_four_tenants_on_one_switch_account_for_every_frame_sent_as_received_or_counted_dropped()
    {
        var services = Enumerable.Range(0, Tenants)
            .Select(i => new ServiceSettings { SvcId = FirstId + (uint)i, Mode = ServiceMode.Switch, Group = "load" }).ToArray();
        await using var agent = await AgentFixture.StartAsync(new AgentSettings { MacAgeing = TimeSpan.FromDays(1) }, services);
        var tenants = new DescsockSocket[Tenants];
        try
        {
            for (int i = 0; i < Tenants; i++)
                tenants[i] = await DescsockSocket.OpenAsync(new DescsockClientSpec
                {
                    MasterSocketPath = agent.SocketPath,
                    SvcId = FirstId + i,
                    RingSizeLog2 = 8, // 256 slots: 64 regions stay small, and blocking sends do block
                });
            // Open returns when the handshake is done; the session then hands the port to the
            // plane. Give the last ones time to join the switch before anything is flooded.
            await Task.Delay(500);

            var start = await AnnounceAsync(agent, tenants);
            var (sent, sentBytes, inboxes, elapsed) = await RunLoadAsync(agent, tenants);
            var end = await agent.StatsAsync();

            long totalSent = 0, totalReceived = 0, totalNoRoom = 0;
            for (int i = 0; i < Tenants; i++)
            {
                int d = (i + 1) % Tenants;
                var (si, sd) = (Delta(start[i], end.Services[FirstId + (uint)i]), Delta(start[d], end.Services[FirstId + (uint)d]));
                var inbox = inboxes[d];
                Assert.True(inbox.Corrupt + inbox.Misaddressed + inbox.WrongSender + inbox.Disorder == 0,
                    $"tenant {d} received bad frames: {inbox.Corrupt} corrupt, {inbox.Misaddressed} misaddressed, {inbox.WrongSender} from another sender, " +
                    $"{inbox.Disorder} out of order; first: {inbox.FirstError}");
                Assert.Equal((sent[i], sentBytes[i], 0L), (si.FramesIn, si.BytesIn, si.DropsInvalid));
                Assert.Equal(sent[i], tenants[i].Statistics.FramesSent - Announcement);
                Assert.True(si.FramesIn == inbox.Frames + sd.DropsNoRoom,
                    $"tenant {i} → {d}: sent {sent[i]}, the agent took {si.FramesIn}; {d} received {inbox.Frames} and the agent counted {sd.DropsNoRoom} " +
                    $"dropped for no room: {si.FramesIn - inbox.Frames - sd.DropsNoRoom} unaccounted");
                Assert.Equal((inbox.Frames, inbox.Bytes), (sd.FramesOut, sd.BytesOut));
                Assert.Equal((0L, 0L), (sd.DropsInvalid, sd.DropsSink));
                Assert.Equal(0L, tenants[d].Statistics.ReceiveDropsInvalid);
                totalSent += sent[i];
                totalReceived += inbox.Frames;
                totalNoRoom += sd.DropsNoRoom;
            }
            output.WriteLine($"load: {Tenants} tenants for {elapsed.TotalSeconds:F1} s: {totalSent} frames sent ({totalSent / elapsed.TotalSeconds:F0}/s), " +
                             $"{totalReceived} received, {totalNoRoom} dropped for no room; per tenant sent {sent.Min()}..{sent.Max()}, " +
                             $"dropped {Enumerable.Range(0, Tenants).Min(d => end.Services[FirstId + (uint)d].DropsNoRoom - start[d].DropsNoRoom)}.." +
                             $"{Enumerable.Range(0, Tenants).Max(d => end.Services[FirstId + (uint)d].DropsNoRoom - start[d].DropsNoRoom)}");
            Assert.True(totalReceived > 0, "no frame got through");
            Assert.True(totalNoRoom > 0, "the receiver's pauses never made the agent drop for no room: the law was only checked without drops");
        }
        finally
        {
            await Task.WhenAll(tenants.Where(t => t is not null).Select(t => t.CloseAsync().AsTask()));
        }
    }

    /// <summary>
    /// Each tenant in turn broadcasts once (the switch learns its MAC); each copy must be counted
    /// at its destination, received or dropped for no room, before the next. Returns the counters
    /// after the last, the start of the load phase.
    /// </summary>
    private async Task<ServiceStats[]> AnnounceAsync(AgentFixture agent, DescsockSocket[] tenants)
    {
        var frame = new byte[FramePattern.MinFrame];
        var rx = new byte[16 * 1024];
        var before = await SnapshotAsync(agent);
        for (int i = 0; i < Tenants; i++)
        {
            FramePattern.Write(frame, 0, frame.Length);
            frame.AsSpan(0, 6).Fill(0xFF);
            WriteMac(frame.AsSpan(6), i);
            tenants[i].Send(frame);
            ServiceStats[] now;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                now = await SnapshotAsync(agent);
                long copies = Enumerable.Range(0, Tenants).Where(j => j != i)
                    .Sum(j => now[j].FramesOut + now[j].DropsNoRoom + now[j].DropsInvalid - before[j].FramesOut - before[j].DropsNoRoom - before[j].DropsInvalid);
                if (copies == Tenants - 1) break;
                Assert.True(copies < Tenants - 1 && clock.Elapsed < TimeSpan.FromSeconds(10),
                    $"tenant {i}'s broadcast became {copies} copies, expected {Tenants - 1} (one per other member of the switch)");
                await Task.Delay(5);
            }
            Assert.Equal(before[i].FramesIn + 1, now[i].FramesIn);
            for (int j = 0; j < Tenants; j++)
            {
                if (j == i) continue;
                long delivered = now[j].FramesOut - before[j].FramesOut;
                Assert.Equal(1L, delivered + now[j].DropsNoRoom - before[j].DropsNoRoom);
                for (int k = 0; k < delivered; k++)
                {
                    Assert.True((tenants[j].Wait(DescsockPollEvents.In, TimeSpan.FromSeconds(5)) & DescsockPollEvents.In) != 0,
                        $"tenant {j}: the agent delivered tenant {i}'s broadcast but it never arrived");
                    Assert.True(tenants[j].TryRecv(rx, out int length));
                    Assert.Null(FramePattern.Verify(rx.AsSpan(0, length), out _));
                    Assert.Equal(i, TenantOfMac(rx.AsSpan(6, 6)));
                }
            }
            before = now;
        }
        output.WriteLine($"announcements: {Tenants} broadcasts, {Tenants * (Tenants - 1)} copies, " +
                         $"{before.Sum(s => s.DropsNoRoom)} dropped for no room");
        return before;
    }

    /// <summary>
    /// The load phase: sender and receiver threads for <see cref="Duration"/>, then the sender
    /// stops and the receiver drains until the agent has taken every frame sent and every frame
    /// it delivered has been read. A watchdog fails the test, instead of hanging it, if nothing
    /// moves for <see cref="Stall"/>: it closes the sockets, which ends blocked calls.
    /// </summary>
    private async Task<(long[] Sent, long[] SentBytes, Inbox[] Inboxes, TimeSpan Elapsed)> RunLoadAsync(AgentFixture agent, DescsockSocket[] tenants)
    {
        var start = await SnapshotAsync(agent);
        var sent = new long[Tenants];
        var sentBytes = new long[Tenants];
        var inboxes = Enumerable.Range(0, Tenants).Select(_ => new Inbox()).ToArray();
        long progress = 0;
        bool stopSending = false, stopReceiving = false;
        Exception? failure = null;

        var sender = new Thread(() =>
        {
            try
            {
                var frame = new byte[tenants[0].MaxFrameLength];
                ulong rng = 0x9E3779B97F4A7C15;
                for (long round = 0; !Volatile.Read(ref stopSending); round++)
                    for (int i = 0; i < Tenants; i++)
                    {
                        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
                        // Mostly 68..1522 bytes (CRC included); every 61st a jumbo frame chained over five buffers.
                        int size = (round + i) % 61 == 0 ? frame.Length : 68 + (int)(rng % (1522 - 68 + 1));
                        FramePattern.Write(frame, (ulong)sent[i], size);
                        WriteMac(frame, (i + 1) % Tenants);
                        WriteMac(frame.AsSpan(6), i);
                        tenants[i].Send(frame.AsSpan(0, size)); // blocking: waits while i's ring is full
                        sent[i]++;
                        sentBytes[i] += size - 4;
                        Interlocked.Increment(ref progress);
                    }
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }) { Name = "load sender", IsBackground = true };

        var receiver = new Thread(() =>
        {
            try
            {
                var rx = new byte[tenants[0].MaxFrameLength];
                var clock = Stopwatch.StartNew();
                int neglected = 0;
                long since = 0, fullSince = -1;
                while (true)
                {
                    bool draining = Volatile.Read(ref stopSending);
                    int got = 0;
                    for (int d = 0; d < Tenants; d++)
                    {
                        if (!draining && d % Groups == neglected) continue;
                        while (tenants[d].TryRecv(rx, out int length))
                        {
                            Check(inboxes[d], d, rx.AsSpan(0, length));
                            got++;
                        }
                    }
                    if (!draining)
                    {
                        // Next group once this one's pools have been full for 250 ms (or after 5 s regardless).
                        long now = clock.ElapsedMilliseconds;
                        if (fullSince < 0 && Enumerable.Range(0, Tenants).Where(d => d % Groups == neglected).All(d => PoolFull(tenants[d]))) fullSince = now;
                        if ((fullSince >= 0 && now - fullSince >= 250) || now - since >= 5000)
                            (neglected, since, fullSince) = ((neglected + 1) % Groups, now, -1);
                    }
                    if (got > 0) Interlocked.Add(ref progress, got);
                    else if (Volatile.Read(ref stopReceiving)) return;
                    else Thread.Yield();
                }
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }) { Name = "load receiver", IsBackground = true };

        var clock = Stopwatch.StartNew();
        sender.Start();
        receiver.Start();
        async Task WatchAsync(Func<Task<bool>> done, string what)
        {
            long last = -1;
            var still = Stopwatch.StartNew();
            while (!await done())
            {
                await Task.Delay(100);
                long now = Interlocked.Read(ref progress);
                if (now != last) { last = now; still.Restart(); }
                if (failure is not null || still.Elapsed > Stall)
                {
                    stopSending = stopReceiving = true;
                    foreach (var t in tenants) await t.CloseAsync(); // ends blocked sends
                    var stats = await agent.StatsAsync();
                    Assert.Fail($"{what}: {failure?.ToString() ?? $"nothing moved for {Stall.TotalSeconds} s"}\n" +
                                string.Join('\n', stats.Services.Values.OrderBy(s => s.SvcId)));
                }
            }
        }
        await WatchAsync(() => Task.FromResult(clock.Elapsed >= Duration), "while sending");
        Volatile.Write(ref stopSending, true);
        await WatchAsync(() => Task.FromResult(!sender.IsAlive), "while the sender stopped");
        var elapsed = clock.Elapsed;

        // Drained when the agent has taken every frame sent and the receiver has read every
        // frame the agent delivered; the counters are read after the sender stopped.
        await WatchAsync(async () =>
        {
            var now = await agent.StatsAsync();
            for (int i = 0; i < Tenants; i++)
            {
                var s = now.Services[FirstId + (uint)i];
                if (s.FramesIn + s.DropsInvalid - start[i].FramesIn - start[i].DropsInvalid != sent[i]) return false;
                if (s.FramesOut - start[i].FramesOut != Interlocked.Read(ref inboxes[i].Frames)) return false;
            }
            return true;
        }, "while draining");
        Volatile.Write(ref stopReceiving, true);
        receiver.Join();
        Assert.Null(failure);
        var rest = new byte[tenants[0].MaxFrameLength];
        for (int d = 0; d < Tenants; d++) Assert.False(tenants[d].TryRecv(rest, out _), $"tenant {d} still had a frame after the drain");
        return (sent, sentBytes, inboxes, elapsed);
    }

    /// <summary>
    /// Whether the tenant's receive pool is (all but a jumbo frame's worth) in its received queue:
    /// then it has next to nothing posted, and the agent drops what comes for no room.
    /// </summary>
    private static bool PoolFull(DescsockSocket tenant) =>
        tenant.Endpoint.Resources is { } r && r.Receiver.Queued >= r.Layout.ReceiveBuffers - 5;

    /// <summary>Verifies one frame received by tenant <paramref name="d"/> and counts it.</summary>
    private static void Check(Inbox inbox, int d, ReadOnlySpan<byte> frame)
    {
        string? error = FramePattern.Verify(frame, out ulong sequence);
        if (error is not null) inbox.Fail(ref inbox.Corrupt, $"tenant {d}: {error}");
        else if (TenantOfMac(frame[..6]) != d) inbox.Fail(ref inbox.Misaddressed, $"tenant {d}: frame {sequence} for {Convert.ToHexString(frame[..6])}");
        else if (TenantOfMac(frame[6..12]) != (d + Tenants - 1) % Tenants)
            inbox.Fail(ref inbox.WrongSender, $"tenant {d}: frame {sequence} from {Convert.ToHexString(frame[6..12])}");
        else if ((long)sequence <= inbox.LastSequence) inbox.Fail(ref inbox.Disorder, $"tenant {d}: frame {sequence} after {inbox.LastSequence}");
        else inbox.LastSequence = (long)sequence;
        inbox.Bytes += frame.Length - 4;
        Interlocked.Increment(ref inbox.Frames); // read by the drain check on another thread
    }

    private static async Task<ServiceStats[]> SnapshotAsync(AgentFixture agent)
    {
        var stats = await agent.StatsAsync();
        return Enumerable.Range(0, Tenants).Select(i => stats.Services[FirstId + (uint)i]).ToArray();
    }

    private static ServiceStats Delta(ServiceStats from, ServiceStats to) => to with
    {
        FramesIn = to.FramesIn - from.FramesIn, BytesIn = to.BytesIn - from.BytesIn,
        FramesOut = to.FramesOut - from.FramesOut, BytesOut = to.BytesOut - from.BytesOut,
        DropsInvalid = to.DropsInvalid - from.DropsInvalid, DropsNoRoom = to.DropsNoRoom - from.DropsNoRoom,
        DropsSink = to.DropsSink - from.DropsSink,
    };
}
