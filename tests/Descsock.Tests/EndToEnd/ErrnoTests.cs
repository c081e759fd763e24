using Descsock.Host.Ping;
using Descsock.Interop;
namespace Descsock.Tests.EndToEnd;

/// <summary>Every documented errno, provoked against a real agent, and nothing lost on the way.</summary>
[Collection("testpmd")]
public class ErrnoTests
{
    private static byte[] Frame(int size, ulong seq = 1)
    {
        var f = new byte[size];
        FramePattern.Write(f, seq, size);
        return f;
    }

    [Fact]
    public async Task Too_small_receive_buffer_gives_EMSGSIZE_and_the_frame_stays_queued()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        tenant.Send(Frame(1000, 77));
        Assert.NotEqual(DescsockPollEvents.None, tenant.Wait(DescsockPollEvents.In, TimeSpan.FromSeconds(5)) & DescsockPollEvents.In);
        var small = new byte[500];
        var e = Assert.Throws<DescsockException>(() => tenant.Recv(small));
        Assert.Equal(Errno.EMSGSIZE, e.Errno);
        Assert.False(tenant.TryRecv(small, out int needed, out int errno));
        Assert.Equal((Errno.EMSGSIZE, 1000), (errno, needed));
        var big = new byte[2000];
        Assert.Equal(1000, tenant.Recv(big));
        Assert.Null(FramePattern.Verify(big.AsSpan(0, 1000), out ulong seq));
        Assert.Equal(77UL, seq);
    }

    [Fact]
    public async Task Runt_and_oversized_frames_are_refused_before_anything_is_queued()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "rxonly");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        Assert.Equal(Errno.EINVAL, Assert.Throws<DescsockException>(() => tenant.Send(new byte[17])).Errno);
        Assert.Equal(Errno.EMSGSIZE, Assert.Throws<DescsockException>(() => tenant.Send(new byte[tenant.MaxFrameLength + 1])).Errno);
        Assert.Equal(0, tenant.Statistics.FramesSent);
        Assert.Equal(18, tenant.Send(new byte[18])); // the smallest legal frame: header + CRC
        Assert.Equal(1, tenant.Statistics.FramesSent);
    }

    [Fact]
    public async Task Non_blocking_recv_with_nothing_queued_gives_EWOULDBLOCK()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "rxonly");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket), DescsockFlags.NonBlock);
        Assert.Equal(Errno.EWOULDBLOCK, Assert.Throws<DescsockException>(() => tenant.Recv(new byte[2048])).Errno);
        Assert.Equal(DescsockPollEvents.Out, tenant.Poll(DescsockPollEvents.In | DescsockPollEvents.Out));
    }

    [Fact]
    public async Task Non_blocking_send_into_a_full_ring_gives_EWOULDBLOCK_and_blocking_send_waits()
    {
        string socket = PeerFixture.NewSocketPath();
        // txonly never reads what we send (notes §3.2), so our transmit ring fills up.
        await using var pmd = await PeerFixture.StartServerAsync(socket, "txonly");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket) with { RingSizeLog2 = 8 });
        var frame = Frame(100);
        int sent = 0;
        while (tenant.TrySend(frame)) sent++;
        Assert.Equal(256, sent);
        var e = Assert.Throws<DescsockException>(() => tenant.Send(frame, DescsockFlags.NonBlock));
        Assert.Equal(Errno.EWOULDBLOCK, e.Errno);
        Assert.Equal(DescsockPollEvents.None, tenant.Poll(DescsockPollEvents.Out));
        var blocked = Task.Run(() => tenant.Send(frame)); // blocking: waits until closed
        await Task.Delay(300);
        Assert.False(blocked.IsCompleted);
        tenant.Close();
        var closed = await Assert.ThrowsAsync<DescsockException>(() => blocked);
        Assert.Equal(Errno.EBADF, closed.Errno);
    }

    [Fact]
    public async Task After_close_every_call_gives_EBADF_and_poll_reports_an_error()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        var blockedRecv = Task.Run(() => tenant.Recv(new byte[2048]));
        await Task.Delay(200);
        tenant.Close();
        tenant.Close(); // idempotent
        Assert.Equal(Errno.EBADF, (await Assert.ThrowsAsync<DescsockException>(() => blockedRecv)).Errno);
        Assert.Equal(Errno.EBADF, Assert.Throws<DescsockException>(() => tenant.Send(Frame(64))).Errno);
        Assert.Equal(Errno.EBADF, Assert.Throws<DescsockException>(() => tenant.Recv(new byte[64])).Errno);
        Assert.Equal(Errno.EBADF, Assert.Throws<DescsockException>(() => tenant.Cntl(0)).Errno);
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In | DescsockPollEvents.Out));
    }

    [Fact]
    public async Task Cntl_refuses_every_command_with_EINVAL_as_the_seed_defines_none()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        using var tenant = DescsockSocket.Open(PeerFixture.Spec(socket));
        Assert.Equal(Errno.EINVAL, Assert.Throws<DescsockException>(() => tenant.Cntl(1)).Errno);
    }

    [Fact]
    public async Task Wrong_secret_gives_EACCES_and_the_agents_reason()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io", secret: "right");
        var e = Assert.Throws<DescsockException>(() => DescsockSocket.Open(PeerFixture.Spec(socket) with { Secret = "wrong" }));
        Assert.Equal(Errno.EACCES, e.Errno);
        Assert.Contains("Incorrect secret", e.Message);
        using var ok = DescsockSocket.Open(PeerFixture.Spec(socket) with { Secret = "right" });
        Assert.NotEqual(DescsockPollEvents.Err, ok.Poll(DescsockPollEvents.Out));
    }

    [Fact]
    public async Task Unknown_service_id_gives_ECONNREFUSED()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io", id: 3);
        var e = Assert.Throws<DescsockException>(() => DescsockSocket.Open(PeerFixture.Spec(socket, svcId: 4)));
        Assert.Equal(Errno.ECONNREFUSED, e.Errno);
        Assert.Contains("ID not found", e.Message);
    }

    [Fact]
    public async Task A_second_tenant_for_a_connected_id_gives_EADDRINUSE_and_the_first_keeps_working()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        using var first = DescsockSocket.Open(PeerFixture.Spec(socket));
        var e = Assert.Throws<DescsockException>(() => DescsockSocket.Open(PeerFixture.Spec(socket)));
        Assert.Equal(Errno.EADDRINUSE, e.Errno);
        var result = Pinger.Run(first, new PingOptions { Spec = first.Spec, Count = 1000 });
        Assert.True(result.Success, result.ToString());
    }

    [Fact]
    public async Task Two_sockets_in_one_process_work_side_by_side()
    {
        string a = PeerFixture.NewSocketPath(), b = PeerFixture.NewSocketPath();
        await using var pmdA = await PeerFixture.StartServerAsync(a, "io");
        await using var pmdB = await PeerFixture.StartServerAsync(b, "macswap");
        using var ta = DescsockSocket.Open(PeerFixture.Spec(a));
        using var tb = DescsockSocket.Open(PeerFixture.Spec(b));
        var ra = Task.Run(() => Pinger.Run(ta, new PingOptions { Spec = ta.Spec, Count = 5000, Seed = 1 }));
        var rb = Task.Run(() => Pinger.Run(tb, new PingOptions { Spec = tb.Spec, Count = 5000, Seed = 2 }));
        Assert.True((await ra).Success);
        Assert.True((await rb).Success);
    }
}
