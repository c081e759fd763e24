using Descsock.Host.Ping;
namespace Descsock.Tests.EndToEnd;

/// <summary>The Channels-shaped async API against a real agent.</summary>
[Collection("testpmd")]
public class AsyncApiTests
{
    [Fact]
    public async Task SendAsync_and_RecvAsync_exchange_frames_and_WaitToRecvAsync_signals_arrival()
    {
        string socket = PeerFixture.NewSocketPath();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        await using var tenant = await DescsockSocket.OpenAsync(PeerFixture.Spec(socket), DescsockFlags.NonBlock);
        var tx = new byte[300];
        var rx = new byte[2048];
        for (int i = 0; i < 1000; i++)
        {
            FramePattern.Write(tx, (ulong)i, tx.Length);
            Assert.Equal(300, await tenant.SendAsync(tx));
            Assert.True(await tenant.WaitToRecvAsync());
            int n = await tenant.RecvAsync(rx);
            Assert.Null(FramePattern.Verify(rx.AsSpan(0, n), out ulong seq));
            Assert.Equal((ulong)i, seq);
        }
    }
}
