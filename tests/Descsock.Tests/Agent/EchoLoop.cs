using Descsock.Host.Ping;
namespace Descsock.Tests.Agent;

/// <summary>A well-behaved tenant: keeps a window of self-checking frames in flight and checks each one comes back in order.</summary>
internal sealed class EchoLoop(DescsockSocket socket)
{
    private long _received;

    public long Received => Interlocked.Read(ref _received);

    public async Task WaitForAsync(long frames)
    {
        for (int i = 0; i < 1000 && Received < frames; i++) await Task.Delay(10);
        Assert.True(Received >= frames, $"the well-behaved tenant got only {Received} of {frames} frames back");
    }

    /// <summary>Runs until cancelled, then collects what is still in flight; returns the totals and the first error.</summary>
    public (long Sent, long Received, string? Error) Run(CancellationToken stop)
    {
        var rng = new Random(9);
        var tx = new byte[1518];
        var rx = new byte[socket.MaxFrameLength];
        long sent = 0;
        var drainUntil = long.MaxValue;
        while (Received < sent || !stop.IsCancellationRequested)
        {
            if (stop.IsCancellationRequested && drainUntil == long.MaxValue) drainUntil = Environment.TickCount64 + 5000;
            if (Environment.TickCount64 > drainUntil) return (sent, Received, $"{sent - Received} frames never came back");
            while (!stop.IsCancellationRequested && sent - Received < 32)
            {
                int size = rng.Next(FramePattern.MinFrame, tx.Length + 1);
                FramePattern.Write(tx, (ulong)sent, size);
                if (!socket.TrySend(tx.AsSpan(0, size))) break;
                sent++;
            }
            while (socket.TryRecv(rx, out int length))
            {
                string? error = FramePattern.Verify(rx.AsSpan(0, length), out ulong seq);
                if (error is null && seq != (ulong)Received) error = $"frame {seq} arrived when {Received} was expected";
                if (error is not null) return (sent, Received, error);
                Interlocked.Increment(ref _received);
            }
            socket.Wait(DescsockPollEvents.In, TimeSpan.FromMilliseconds(1));
        }
        return (sent, Received, null);
    }
}
