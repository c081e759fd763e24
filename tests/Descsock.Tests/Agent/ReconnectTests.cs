using System.Diagnostics;
using Descsock.Agent;
using Descsock.Client;
using Descsock.Host.Ping;
using Descsock.Interop;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>
/// Re-registration (issue #4): the agent goes away and comes back on the same socket path; the
/// application's socket object survives, reports the outage, and carries traffic again. The agent
/// is the one in this process (stopped politely) or a real agent process, frozen with SIGSTOP
/// (so that frames stay where they are) and killed with SIGKILL, as a crash would.
/// </summary>
[Collection("testpmd")]
public class ReconnectTests(ITestOutputHelper output)
{
    private static DescsockClientSpec Fast(DescsockClientSpec spec) => spec with
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        ReconnectWait = TimeSpan.FromSeconds(20),
    };

    private static byte[] Frame(ulong sequence, int length = 128)
    {
        var f = new byte[length];
        FramePattern.Write(f, sequence, f.Length);
        return f;
    }

    /// <summary>Every other frame is a jumbo frame that takes two descriptors (4,000 bytes over 2,048-byte buffers): losses are counted in frames.</summary>
    private static int MixedLength(ulong sequence) => sequence % 2 == 0 ? 128 : 4000;

    [Fact]
    public async Task Tenant_re_registers_after_the_agent_restarts_and_traffic_resumes_on_the_same_socket()
    {
        var echo = new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo };
        var first = await AgentFixture.StartAsync(echo);
        string path = first.SocketPath;
        using var tenant = DescsockSocket.Open(Fast(first.Spec(1)));
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 2000 }).Success);

        await first.DisposeAsync(); // the agent is gone: its sessions close, its socket file is removed
        var clock = Stopwatch.StartNew();
        while (tenant.Poll(DescsockPollEvents.In) != DescsockPollEvents.Err && clock.ElapsedMilliseconds < 3000) await Task.Delay(5);
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In | DescsockPollEvents.Out));
        Assert.False(tenant.TrySend(Frame(1), out int errno));
        Assert.Equal(Errno.ENOTCONN, errno);
        var nonBlocking = Assert.Throws<DescsockException>(() => tenant.Recv(new byte[2048], DescsockFlags.NonBlock));
        Assert.Equal(Errno.ENOTCONN, nonBlocking.Errno);
        output.WriteLine(nonBlocking.Message);
        Assert.Contains("re-registering", nonBlocking.Message);

        // A blocking send during the outage waits for the new registration instead of failing.
        var blockedSend = Task.Run(() => tenant.Send(Frame(7)));
        await Task.Delay(300);
        Assert.False(blockedSend.IsCompleted, "a blocking send must wait while the agent is away");

        await using var second = await AgentFixture.StartAsync(new AgentSettings { SocketPath = path }, echo);
        Assert.Equal(128, await blockedSend.WaitAsync(TimeSpan.FromSeconds(20)));
        var back = new byte[2048];
        Assert.Equal(128, tenant.Recv(back));
        Assert.Null(FramePattern.Verify(back.AsSpan(0, 128), out ulong sequence));
        Assert.Equal(7UL, sequence); // the frame sent during the outage came back intact

        var r = Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 20_000 });
        output.WriteLine(r.ToString());
        Assert.True(r.Success, r.ToString());
        Assert.Equal(1, tenant.Statistics.Reconnects);
        Assert.True((await second.StatsAsync()).Services[1u].InUse);
        Assert.Equal(20_001L, (await second.WaitForAsync(1, s => s.FramesOut == 20_001)).FramesOut);
    }

    [Fact]
    public async Task A_refusal_no_retry_can_cure_stops_re_registration_and_reports_its_errno()
    {
        var first = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 2, Mode = ServiceMode.Echo });
        string path = first.SocketPath;
        using var tenant = DescsockSocket.Open(Fast(first.Spec(2)));
        await first.DisposeAsync();
        // The agent comes back with an allow-list that excludes us: EACCES, which no retry cures.
        await using var second = await AgentFixture.StartAsync(new AgentSettings { SocketPath = path },
            new ServiceSettings { SvcId = 2, Mode = ServiceMode.Echo, AllowedUids = [Libc.GetEuid() + 1] });
        var e = Assert.Throws<DescsockException>(() => tenant.Recv(new byte[2048]));
        output.WriteLine(e.Message);
        Assert.Equal(Errno.EACCES, e.Errno);
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In));
        Assert.Equal(Errno.EACCES, Assert.Throws<DescsockException>(() => tenant.Send(Frame(1))).Errno);
    }

    [Fact]
    public async Task Without_reconnect_the_socket_reports_the_disconnect_for_good()
    {
        var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 3, Mode = ServiceMode.Echo });
        using var tenant = DescsockSocket.Open(agent.Spec(3) with { Reconnect = false });
        await agent.DisposeAsync();
        var e = Assert.Throws<DescsockException>(() => tenant.Recv(new byte[2048]));
        Assert.Equal(Errno.ECONNRESET, e.Errno);
        Assert.Equal(0, tenant.Statistics.Reconnects);
    }

    private static readonly object[] EchoService = [new { SvcId = 1, Mode = "Echo" }];

    [Fact]
    public async Task Blocking_Send_and_Recv_caught_by_an_agent_crash_return_ENOTCONN_once_ReconnectWait_runs_out()
    {
        var wait = TimeSpan.FromSeconds(1);
        await using var agent = await AgentProcess.StartAsync(EchoService);
        using var tenant = DescsockSocket.Open(Fast(agent.Spec(1)) with { ReconnectWait = wait });
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 200 }).Success);

        var clock = new Stopwatch();
        var recv = Task.Run(() => Outcome(() => tenant.Recv(new byte[2048]), clock)); // nothing comes: blocked for a frame
        await agent.PauseAsync(); // the agent takes nothing more: the ring fills
        int queued = 0;
        while (tenant.TrySend(Frame((ulong)queued))) queued++;
        var send = Task.Run(() => Outcome(() => tenant.Send(Frame(9999)), clock)); // blocked for room
        await Task.Delay(300);
        Assert.False(recv.IsCompleted, "Recv returned with no frame to receive");
        Assert.False(send.IsCompleted, "Send returned with the ring full");

        clock.Start();
        await agent.KillAsync(); // the socket file stays behind: every re-registration attempt is refused
        var during = Task.Run(() => Outcome(() => tenant.Send(Frame(10_000)), clock)); // blocks once the outage shows
        var results = await Task.WhenAll(recv, send, during).WaitAsync(TimeSpan.FromSeconds(15));
        output.WriteLine($"ring filled with {queued} frames; ENOTCONN after {string.Join(", ", results.Select(r => $"{r.At.TotalMilliseconds:F0} ms"))}");
        foreach (var (name, (errno, at, message)) in new[] { "blocked Recv", "blocked Send", "Send during the outage" }.Zip(results))
        {
            Assert.True(errno == Errno.ENOTCONN, $"{name}: errno {errno} ({message}), not ENOTCONN");
            // The wait starts once the outage is seen (the kernel closes a dead agent's socket at once).
            Assert.True(at >= wait - TimeSpan.FromMilliseconds(20), $"{name} gave up after {at.TotalMilliseconds:F0} ms, before ReconnectWait ({wait.TotalMilliseconds} ms)");
            Assert.True(at < wait + TimeSpan.FromSeconds(2), $"{name} returned only after {at.TotalMilliseconds:F0} ms with ReconnectWait {wait.TotalMilliseconds} ms");
            Assert.Contains("re-registering", message);
        }
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In | DescsockPollEvents.Out));
    }

    [Fact]
    public async Task Frames_lost_with_a_killed_agent_process_are_counted_exactly_and_nothing_sent_after_its_restart_is_lost()
    {
        const int delivered = 20, stranded = 30, after = 1000;
        await using var first = await AgentProcess.StartAsync(EchoService);
        using var tenant = DescsockSocket.Open(Fast(first.Spec(1)));

        // Delivered but never read: the agent echoes these into the tenant's receive queue.
        ulong seq = 0;
        for (; seq < delivered; seq++) tenant.Send(Frame(seq, MixedLength(seq)));
        var agentSaw = await first.WaitForAsync(1, s => s.FramesOut == delivered);
        Assert.Equal(((long)delivered, (long)delivered), (agentSaw.FramesIn, agentSaw.FramesOut));
        // The worker has taken every echo off the ring: one queue entry per buffer (two for a jumbo frame).
        var receiver = tenant.Endpoint.Resources!.Receiver;
        int entries = Enumerable.Range(0, delivered).Sum(i => (MixedLength((ulong)i) - 4 + 2047) / 2048);
        for (var clock = Stopwatch.StartNew(); receiver.Queued < entries && clock.ElapsedMilliseconds < 5000;) await Task.Delay(5);
        Assert.Equal(entries, receiver.Queued);

        // Accepted by Send but never consumed: the agent is frozen, then dies.
        await first.PauseAsync();
        for (; seq < delivered + stranded; seq++) Assert.True(tenant.TrySend(Frame(seq, MixedLength(seq))), $"frame {seq} was not accepted");
        await first.KillAsync();
        await WaitForOutageAsync(tenant);

        var lost = tenant.Statistics;
        output.WriteLine($"at the outage: {lost}");
        Assert.Equal(((long)delivered + stranded, 0L), (lost.FramesSent, lost.FramesReceived));
        Assert.Equal(((long)stranded, (long)delivered), (lost.SendLostOnDisconnect, lost.ReceiveLostOnDisconnect));
        // The README's accounting: every frame Send accepted was consumed by the agent or is counted
        // lost; every frame the agent delivered was read by Recv or is counted lost.
        Assert.Equal(lost.FramesSent, agentSaw.FramesIn + lost.SendLostOnDisconnect);
        Assert.Equal(agentSaw.FramesOut, lost.FramesReceived + lost.ReceiveLostOnDisconnect);

        // Nothing else is lost: every frame sent once the agent is back comes back, in order, and
        // none of the lost ones does.
        await using var second = await first.RestartAsync();
        var back = new byte[tenant.MaxFrameLength];
        for (int i = 0; i < after; i++, seq++)
        {
            int length = MixedLength(seq);
            Assert.Equal(length, tenant.Send(Frame(seq, length))); // the first one waits for the re-registration
            Assert.Equal(length, tenant.Recv(back));
            Assert.Null(FramePattern.Verify(back.AsSpan(0, length), out ulong got));
            Assert.Equal(seq, got);
        }
        var end = tenant.Statistics;
        output.WriteLine($"after the restart: {end}");
        Assert.Equal(((long)delivered + stranded + after, (long)after), (end.FramesSent, end.FramesReceived));
        Assert.Equal(((long)stranded, (long)delivered, 1), (end.SendLostOnDisconnect, end.ReceiveLostOnDisconnect, end.Reconnects));
        var s = await second.WaitForAsync(1, s => s.FramesOut == after);
        Assert.Equal(((long)after, (long)after, 0L), (s.FramesIn, s.FramesOut, s.DropsInvalid));
    }

    [Fact]
    public async Task Tenant_re_registers_and_resumes_on_the_same_socket_after_the_agent_process_is_killed_with_SIGKILL_and_restarted()
    {
        await using var first = await AgentProcess.StartAsync(EchoService);
        using var tenant = DescsockSocket.Open(Fast(first.Spec(1)));
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 2000 }).Success);

        await first.KillAsync();
        Assert.Equal(137, first.ExitCode); // 128 + SIGKILL: no shutdown of its own
        Assert.True(File.Exists(first.SocketPath), "a killed agent leaves its socket file behind");
        await WaitForOutageAsync(tenant);
        Assert.False(tenant.TrySend(Frame(1), out int errno));
        Assert.Equal(Errno.ENOTCONN, errno);

        var clock = Stopwatch.StartNew();
        await using var second = await first.RestartAsync(); // replaces the stale socket file
        var started = clock.Elapsed;
        while (tenant.Poll(DescsockPollEvents.Out) != DescsockPollEvents.Out && clock.ElapsedMilliseconds < 15_000) await Task.Delay(5);
        output.WriteLine($"the new agent process answered after {started.TotalMilliseconds:F0} ms; the tenant was registered again after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(DescsockPollEvents.Out, tenant.Poll(DescsockPollEvents.Out)); // POLLERR while re-registering
        Assert.Equal(1, tenant.Statistics.Reconnects);

        var r = Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 20_000 });
        output.WriteLine(r.ToString());
        Assert.True(r.Success, r.ToString());
        var s = await second.WaitForAsync(1, s => s.FramesOut == 20_000);
        Assert.True(s.InUse);
        Assert.Equal((20_000L, 20_000L), (s.FramesIn, s.FramesOut));
    }

    /// <summary>Waits up to 3 s for the socket to report the outage (POLLERR).</summary>
    private static async Task WaitForOutageAsync(DescsockSocket tenant)
    {
        for (var clock = Stopwatch.StartNew(); tenant.Poll(DescsockPollEvents.In) != DescsockPollEvents.Err && clock.ElapsedMilliseconds < 3000;) await Task.Delay(5);
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In));
    }

    /// <summary>Runs a blocking call; returns its errno (0 if it returned), when it ended on <paramref name="clock"/>, and the message.</summary>
    private static (int Errno, TimeSpan At, string Message) Outcome(Func<int> call, Stopwatch clock)
    {
        try
        {
            call();
            return (0, clock.Elapsed, "returned");
        }
        catch (DescsockException e)
        {
            return (e.Errno, clock.Elapsed, e.Message);
        }
    }
}
