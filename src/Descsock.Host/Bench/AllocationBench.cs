namespace Descsock.Host.Bench;

/// <summary>
/// Bytes the whole tenant process allocates per frame in steady state (GC.GetTotalAllocatedBytes,
/// precise: every thread, so the SEP worker and anything the API wakes are counted too), for the
/// blocking <c>Send</c>/<c>Recv</c>, the non-throwing <c>TrySend</c>/<c>TryRecv</c> and the burst
/// <c>TrySendBurst</c>/<c>TryRecvBurst</c>, each frame
/// sent through our agent's echo service and received back. Allocation is a property of the tenant
/// library, so only the <see cref="BenchPair.Ours"/> pair is measured.
/// </summary>
internal sealed class AllocationBench(BenchPeers peers)
{
    /// <summary>Mode name: the blocking, seed-shaped calls.</summary>
    public const string Blocking = "Send/Recv";
    /// <summary>Mode name: the non-throwing, non-blocking calls.</summary>
    public const string NonBlocking = "TrySend/TryRecv";
    /// <summary>Mode name: the burst send and receive.</summary>
    public const string Burst = "TrySendBurst/TryRecvBurst";

    /// <summary>Every mode, in table order.</summary>
    public static readonly string[] Modes = [Blocking, NonBlocking, Burst];

    /// <summary>Measures allocations per frame for <paramref name="mode"/>.</summary>
    public async Task<BenchFigure> MeasureAsync(string mode, int size, CancellationToken cancel)
    {
        await using var agent = await peers.OurAgentAsync(cancel);
        await using var socket = await BenchPeers.OurTenantAsync(agent.SocketPath, BenchAgent.EchoId, cancel);
        var settings = peers.Settings;
        await Task.Factory.StartNew(() => Exchange(socket, mode, size, ThroughputBench.Warmup(BenchPair.Ours)), cancel,
            TaskCreationOptions.LongRunning, TaskScheduler.Default); // warm-up: JIT, tiering, first-use allocations
        var perFrame = new List<double>();
        long frames = 0;
        for (int r = 0; r < settings.Runs; r++)
        {
            var (bytes, n) = await Task.Factory.StartNew(() => Exchange(socket, mode, size, settings.Duration), cancel,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            perFrame.Add((double)bytes / n);
            frames += n;
        }
        return new BenchFigure(BenchWorkload.Allocation, BenchPair.Ours, size, mode,
            [new BenchMetric("allocated", "B/frame", perFrame, HigherIsBetter: false)])
        {
            Note = $"{frames} frames sent and received; all threads of the tenant process counted",
        };
    }

    /// <summary>Sends and receives frames in batches of 32 for <paramref name="duration"/>; returns bytes allocated and frames.</summary>
    private static (long Bytes, long Frames) Exchange(DescsockSocket socket, string mode, int size, TimeSpan duration)
    {
        var frame = BenchFrames.Make(size);
        var burst = Enumerable.Repeat<ReadOnlyMemory<byte>>(frame, TenantLoop.EchoWindow).ToArray();
        var buffer = new byte[socket.MaxFrameLength];
        var buffers = TenantLoop.BuffersFor(socket);
        var lengths = new int[TenantLoop.Burst];
        const int batch = TenantLoop.EchoWindow;
        long frames = 0;
        long end = Environment.TickCount64 + (long)duration.TotalMilliseconds;
        long before = GC.GetTotalAllocatedBytes(precise: true);
        while (Environment.TickCount64 < end)
        {
            if (mode == Burst)
                for (int sent = 0; sent < batch;)
                    for (long give = BenchDeadline.OneSecond(); sent < batch; BenchDeadline.Check(give, "room to send"))
                        sent += socket.TrySendBurst(burst.AsSpan(sent));
            else
                for (int i = 0; i < batch; i++)
                {
                    if (mode == Blocking) socket.Send(frame);
                    else for (long give = BenchDeadline.OneSecond(); !socket.TrySend(frame);) BenchDeadline.Check(give, "room to send");
                }
            if (mode == Burst)
                for (long give = BenchDeadline.OneSecond(), got = 0; got < batch; BenchDeadline.Check(give, "the echo"))
                    got += socket.TryRecvBurst(buffers.AsSpan(0, batch - (int)got), lengths);
            else
                for (int i = 0; i < batch; i++)
                {
                    if (mode == Blocking) socket.Recv(buffer);
                    else for (long give = BenchDeadline.OneSecond(); !socket.TryRecv(buffer, out _);) BenchDeadline.Check(give, "the echo");
                }
            frames += batch;
        }
        return (GC.GetTotalAllocatedBytes(precise: true) - before, frames);
    }
}
