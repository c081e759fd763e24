using System.Diagnostics;
namespace Descsock.Host.Bench;

/// <summary>
/// Round trip with one frame in flight, through an echoing agent (our echo service or testpmd
/// server <c>io</c>). The C# tenant times each frame: in <see cref="BusyPoll"/> mode it sends the
/// next frame as soon as the last returned and spins on <c>TryRecv</c>; in <see cref="Idle"/> mode it
/// waits <see cref="IdleGap"/> between frames, longer than our agent's shortest poll window, and
/// uses the blocking <c>Send</c>/<c>Recv</c> — the adaptive path of both sides (our agent's window
/// widens to cover such gaps, see <c>AgentSettings.IdleSpinMax</c>); in <see cref="Asleep"/> mode the
/// gap is <see cref="AsleepGap"/>, past the widest window, so our agent has gone to sleep on its
/// doorbell and every frame waits for its CPU to wake. A testpmd tenant cannot time single
/// frames: it plays ping-pong (<c>io --tx-first --burst=1</c>) and the row gives the mean round
/// trip, 1 / frames per second.
/// </summary>
internal sealed class LatencyBench(BenchPeers peers)
{
    /// <summary>Mode name: back-to-back frames, both sides polling.</summary>
    public const string BusyPoll = "busy-poll";
    /// <summary>Mode name: frames spaced past the agent side's shortest poll window (blocking calls).</summary>
    public const string Idle = "idle";
    /// <summary>The gap between frames in idle mode; our agent's poller sleeps after 1 ms without work at first.</summary>
    public static readonly TimeSpan IdleGap = TimeSpan.FromMilliseconds(5);
    /// <summary>Mode name: frames spaced past the agent side's widest poll window, so it sleeps between them.</summary>
    public const string Asleep = "asleep";
    /// <summary>The gap between frames in asleep mode: 5× the agent's widest poll window by default (10 ms).</summary>
    public static readonly TimeSpan AsleepGap = TimeSpan.FromMilliseconds(50);
    /// <summary>The modes in table order.</summary>
    public static readonly string[] Modes = [BusyPoll, Idle, Asleep];
    /// <summary>Frame size of the latency workload (the Ethernet minimum the benchmark uses).</summary>
    public const int Size = 64;

    /// <summary>Measures the round trip over <paramref name="pair"/> in <paramref name="mode"/>.</summary>
    public async Task<BenchFigure> MeasureAsync(BenchPair pair, string mode, CancellationToken cancel)
    {
        var resources = new Stack<Func<ValueTask>>();
        try
        {
            bool dpdkAgent = pair is BenchPair.Reference or BenchPair.OursVsDpdk;
            string socket;
            uint id = 0;
            if (dpdkAgent)
            {
                var server = await peers.DpdkServerAsync("io");
                resources.Push(server.DisposeAsync);
                socket = server.SocketPath;
            }
            else
            {
                var agent = await peers.OurAgentAsync(cancel);
                resources.Push(agent.DisposeAsync);
                socket = agent.SocketPath;
                id = BenchAgent.EchoId;
            }
            if (pair is BenchPair.Reference or BenchPair.DpdkVsOurs)
            {
                if (mode != BusyPoll) return BenchFigure.Inapplicable(BenchWorkload.Latency, pair, Size, mode, "testpmd cannot pace frames or time them one by one");
                var client = await peers.DpdkClientAsync(socket, id, "io", Size, "--tx-first --burst=1");
                resources.Push(client.DisposeAsync);
                var rates = await ThroughputBench.RatesAsync(ThroughputBench.DpdkSampler(client, rx: true), ThroughputBench.Warmup(pair), peers.Settings.Runs,
                    peers.Settings.Duration, cancel);
                return new BenchFigure(BenchWorkload.Latency, pair, Size, mode,
                    [new BenchMetric("mean", "µs", rates.Select(r => 1e6 / r).ToList(), HigherIsBetter: false)])
                {
                    RatioMetric = "mean", Note = "testpmd ping-pong: mean round trip = 1 / frames per second",
                };
            }
            var tenant = await BenchPeers.OurTenantAsync(socket, id, cancel);
            resources.Push(tenant.DisposeAsync);
            return await TimeRoundTripsAsync(pair, mode, tenant, cancel);
        }
        finally
        {
            while (resources.TryPop(out var release)) await release();
        }
    }

    private async Task<BenchFigure> TimeRoundTripsAsync(BenchPair pair, string mode, DescsockSocket socket, CancellationToken cancel)
    {
        var settings = peers.Settings;
        Ping(socket, mode, ThroughputBench.Warmup(pair), cancel); // warm-up: JIT tiers, caches, both pollers running
        var p50 = new List<double>(); var p99 = new List<double>(); var p999 = new List<double>(); var mean = new List<double>();
        int samples = 0;
        for (int r = 0; r < settings.Runs; r++)
        {
            double[] rtts = await Task.Factory.StartNew(() => Ping(socket, mode, settings.Duration, cancel), cancel,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Array.Sort(rtts);
            p50.Add(Percentile.Of(rtts, 50));
            p99.Add(Percentile.Of(rtts, 99));
            p999.Add(Percentile.Of(rtts, 99.9));
            mean.Add(rtts.Average());
            samples += rtts.Length;
        }
        return new BenchFigure(BenchWorkload.Latency, pair, Size, mode,
        [
            new BenchMetric("mean", "µs", mean, HigherIsBetter: false),
            new BenchMetric("p50", "µs", p50, HigherIsBetter: false),
            new BenchMetric("p99", "µs", p99, HigherIsBetter: false),
            new BenchMetric("p99.9", "µs", p999, HigherIsBetter: false),
        ]) { RatioMetric = "mean", Note = $"{samples} round trips timed one by one" };
    }

    /// <summary>Round trips in microseconds for <paramref name="duration"/>.</summary>
    private static double[] Ping(DescsockSocket socket, string mode, TimeSpan duration, CancellationToken cancel)
    {
        var frame = BenchFrames.Make(Size);
        var buffer = new byte[socket.MaxFrameLength];
        var rtts = new List<double>(1 << 20);
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        bool idle = mode != BusyPoll;
        var gap = mode == Asleep ? AsleepGap : IdleGap;
        while (Stopwatch.GetTimestamp() < end && !cancel.IsCancellationRequested)
        {
            if (idle) Thread.Sleep(gap);
            long t0 = Stopwatch.GetTimestamp();
            if (idle)
            {
                socket.Send(frame);
                socket.Recv(buffer);
            }
            else
            {
                for (long give = BenchDeadline.OneSecond(); !socket.TrySend(frame);) BenchDeadline.Check(give, "room to send");
                for (long give = BenchDeadline.OneSecond(); !socket.TryRecv(buffer, out _);) BenchDeadline.Check(give, "the echo");
            }
            long t1 = Stopwatch.GetTimestamp();
            rtts.Add((t1 - t0) * 1e6 / Stopwatch.Frequency);
        }
        return rtts.ToArray();
    }
}
