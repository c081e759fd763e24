using Akka.Actor;
using Akka.TestKit.Xunit2;
using Descsock.Client;
using Descsock.Engine;
using Descsock.Host.Ping;
using Descsock.Tests.EndToEnd;
namespace Descsock.Tests.Actors;

/// <summary>Behaviour of the actor tree, against a real testpmd agent.</summary>
[Collection("testpmd")]
public class TenantActorTests() : TestKit(DescsockEngine.DefaultConfig)
{
    private static string Link(int fd) => new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "";

    [Fact]
    public async Task Sep_actor_runs_on_its_own_pinned_thread_not_the_thread_pool()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        await using var tenant = await DescsockSocket.OpenAsync(PeerFixture.Spec(socket), engine: new DescsockEngine(Sys));
        var report = await tenant.Supervisor.Ask<TenantSupervisor.ControlReport>(TenantSupervisor.WhoOwnsControl.Instance, TimeSpan.FromSeconds(3));
        Assert.NotNull(report.Sep);
        Assert.Equal(tenant.Supervisor.Path, report.Sep!.Path.Parent);
        var first = await report.Sep.Ask<Sep.ThreadReport>(Sep.WhereAreYou.Instance, TimeSpan.FromSeconds(3));
        Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 2000 }); // the thread stays the same under traffic
        var second = await report.Sep.Ask<Sep.ThreadReport>(Sep.WhereAreYou.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(Sep.DispatcherId, first.Dispatcher);
        Assert.False(first.IsThreadPoolThread);
        Assert.Equal(first.ManagedThreadId, second.ManagedThreadId);
        Assert.NotEqual(Environment.CurrentManagedThreadId, first.ManagedThreadId);
    }

    [Fact]
    public async Task Supervisor_owns_the_control_connection_and_stopping_it_disconnects_the_tenant()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        var tenant = await DescsockSocket.OpenAsync(PeerFixture.Spec(socket), engine: new DescsockEngine(Sys));
        var report = await tenant.Supervisor.Ask<TenantSupervisor.ControlReport>(TenantSupervisor.WhoOwnsControl.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(EndpointState.Connected, report.State);
        string link = Link(report.ControlFd);
        Assert.StartsWith("socket:", link);

        Watch(tenant.Supervisor);
        Sys.Stop(tenant.Supervisor); // the application never touches the socket
        ExpectTerminated(tenant.Supervisor);
        Assert.NotEqual(link, Link(report.ControlFd)); // that control socket is closed
        Assert.Equal(DescsockPollEvents.Err, tenant.Poll(DescsockPollEvents.In | DescsockPollEvents.Out));
        Assert.Equal(DescsockErrors.ECONNRESET, Assert.Throws<DescsockException>(() => tenant.Send(new byte[64])).Errno);
        // testpmd saw the disconnect: a new tenant may register the same id at once.
        await using var again = await DescsockSocket.OpenAsync(PeerFixture.Spec(socket), engine: new DescsockEngine(Sys));
        Assert.True(Pinger.Run(again, new PingOptions { Spec = again.Spec, Count = 500 }).Success);
    }

    [Fact]
    public async Task Client_actor_sends_and_delivers_frames_in_batches()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        await using var tenant = await DescsockSocket.OpenAsync(PeerFixture.Spec(socket), engine: new DescsockEngine(Sys));
        var client = await tenant.GetClientActorAsync(TimeSpan.FromSeconds(3));
        var probe = CreateTestProbe();
        client.Tell(new TenantClient.Subscribe(probe.Ref, 32), probe.Ref);

        const int count = 200;
        var frames = new List<ReadOnlyMemory<byte>>();
        for (int i = 0; i < count; i++)
        {
            var f = new byte[100 + i];
            FramePattern.Write(f, (ulong)i, f.Length);
            frames.Add(f);
        }
        client.Tell(new TenantClient.Send(FrameBatch.From(frames)), probe.Ref);
        probe.ExpectMsg<TenantClient.SendResult>(r => r.Sent == count && r.Errno == 0);

        int received = 0, batches = 0;
        while (received < count)
        {
            var batch = probe.ExpectMsg<TenantClient.Received>(TimeSpan.FromSeconds(5)).Frames;
            batches++;
            Assert.InRange(batch.Count, 1, 32);
            for (int i = 0; i < batch.Count; i++, received++)
            {
                Assert.Null(FramePattern.Verify(batch[i].Span, out ulong seq));
                Assert.Equal((ulong)received, seq);
            }
        }
        Assert.True(batches < count, "frames must travel in batches, not one message each");
    }
}
