using Akka.Actor;
using Akka.TestKit.Xunit2;
using Descsock.Client;
using Descsock.Examples.ActorTenant;
namespace Descsock.Tests.Hosting;

/// <summary>
/// The sample's window, with a probe playing the client actor: the pinger never has more frames
/// out unanswered than its window, so an echo service (which drops what finds no buffer posted)
/// always finds room.
/// </summary>
public class BatchPingWindowTests : TestKit
{
    [Fact]
    public void The_pinger_sends_no_batch_beyond_its_window_until_echoes_come_back()
    {
        var client = CreateTestProbe();
        long done = -1;
        Action<long> finished = n => Volatile.Write(ref done, n);
        var pinger = Sys.ActorOf(Props.Create(() => new BatchPingActor(client.Ref, 10, 32, finished, 96)));
        client.ExpectMsg<TenantClient.Subscribe>();
        for (int batch = 0; batch < 3; batch++) // 3 × 32 = the window
        {
            Assert.Equal(32, client.ExpectMsg<TenantClient.Send>().Frames.Count);
            client.Reply(new TenantClient.SendResult(32, 0));
        }
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // a fourth batch would put 128 out
        for (int batch = 3; batch < 10; batch++)
        {
            client.Send(pinger, Echoes(32)); // one batch back makes room for one more
            Assert.Equal(32, client.ExpectMsg<TenantClient.Send>().Frames.Count);
            client.Reply(new TenantClient.SendResult(32, 0));
            client.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        }
        client.Send(pinger, Echoes(3 * 32));
        AwaitCondition(() => Volatile.Read(ref done) == 320);
    }

    [Fact]
    public void A_window_smaller_than_a_batch_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BatchPingActor.CheckWindow(16, 32));
        Assert.Contains("Pinger:Window", e.Message);
    }

    private static TenantClient.Received Echoes(int count) =>
        new(new FrameBatch(new byte[count * 64], Enumerable.Range(0, count).Select(i => i * 64).ToArray(), Enumerable.Repeat(64, count).ToArray(), count));
}
