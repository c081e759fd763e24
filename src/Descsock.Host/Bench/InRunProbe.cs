using System.Diagnostics;
using System.Runtime.InteropServices;
using Descsock.Interop;
namespace Descsock.Host.Bench;

/// <summary>
/// The core-to-core round trip sampled while a rate run goes on, not only around it. This
/// machine's round trip flips between about 30, 60–90 and 300 ns within a tenth of a second, and
/// the probes around a run (<see cref="CoreToCore"/>) are 6–8 s apart, so a run could meet the
/// slow state between fast readings. Every <see cref="Period"/> two threads, one pinned to each
/// CPU, wake at the same instant, pass one cache line back and forth <see cref="RoundTrips"/>
/// times (some 5–20 µs) and sleep again: about 0.02 % of each CPU, taken from the pollers. They
/// ask for SCHED_FIFO, so they preempt the pollers at once (root may; without it they still run,
/// a little later). A sample whose partner did not answer within
/// 2 ms is NaN. Thread-safety: <see cref="Start"/> and <see cref="Stop"/> from one thread.
/// </summary>
internal sealed unsafe class InRunProbe
{
    /// <summary>Round trips per sample; the first is not timed (it waits for the partner).</summary>
    public const int RoundTrips = 64;

    /// <summary>Time between samples.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private const int MaxSamples = 1 << 14; // 27 minutes at the period: longer than any run
    private static readonly long PartnerWait = Stopwatch.Frequency / 500; // 2 ms
    private readonly long* _line = (long*)NativeMemory.AlignedAlloc(128, 64); // a line of its own
    private readonly long[] _timestamps = new long[MaxSamples];
    private readonly double[] _nanoseconds = new double[MaxSamples];
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly Thread _ping, _pong;
    private volatile bool _stop;
    private int _count; // samples taken (the ping thread's)
    private IReadOnlyList<(long, double)>? _samples; // once stopped

    private InRunProbe(int cpuA, int cpuB)
    {
        Volatile.Write(ref *_line, 0);
        _ping = Run("ping", cpuA, Ping);
        _pong = Run("pong", cpuB, Pong);
    }

    /// <summary>Starts sampling between <paramref name="cpuA"/> and <paramref name="cpuB"/>.</summary>
    public static InRunProbe Start(int cpuA, int cpuB) => new(cpuA, cpuB);

    /// <summary>
    /// Stops sampling (within one period) and returns the samples as (timestamp, round trip in ns,
    /// NaN when the partner missed it). None when a thread did not end: its line stays allocated.
    /// </summary>
    public IReadOnlyList<(long Timestamp, double Nanoseconds)> Stop()
    {
        if (_samples is not null) return _samples;
        _stop = true;
        bool ended = _ping.Join(TimeSpan.FromSeconds(2)) & _pong.Join(TimeSpan.FromSeconds(2));
        if (!ended) return _samples = [];
        NativeMemory.AlignedFree(_line);
        var samples = new (long, double)[_count];
        for (int i = 0; i < samples.Length; i++) samples[i] = (_timestamps[i], _nanoseconds[i]);
        return _samples = samples;
    }

    /// <summary>The samples taken from <paramref name="from"/> to <paramref name="to"/> (Stopwatch timestamps) that have a reading.</summary>
    public static double[] Within(IReadOnlyList<(long Timestamp, double Nanoseconds)> samples, long from, long to) =>
        samples.Where(s => s.Timestamp >= from && s.Timestamp <= to && !double.IsNaN(s.Nanoseconds)).Select(s => s.Nanoseconds).ToArray();

    private void Ping()
    {
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        for (long round = 1; round < MaxSamples && SleepUntilRound(round); round++)
        {
            long value = round << 20, started = 0, deadline = Stopwatch.GetTimestamp() + PartnerWait;
            bool answered = true;
            for (int i = 0; i < RoundTrips && answered; i++)
            {
                Volatile.Write(ref *_line, value + 2 * i + 1);
                for (int spins = 0; Volatile.Read(ref *_line) != value + 2 * i + 2;)
                    if ((++spins & 63) == 0 && Stopwatch.GetTimestamp() > deadline) { answered = false; break; }
                if (i == 0) started = Stopwatch.GetTimestamp();
            }
            long now = Stopwatch.GetTimestamp();
            _timestamps[_count] = now;
            _nanoseconds[_count] = answered ? (now - started) * nsPerTick / (RoundTrips - 1) : double.NaN;
            _count++;
        }
    }

    private void Pong()
    {
        for (long round = 1; round < MaxSamples && SleepUntilRound(round); round++)
        {
            long deadline = Stopwatch.GetTimestamp() + PartnerWait;
            for (int spins = 0; ;)
            {
                long v = Volatile.Read(ref *_line);
                if (v >> 20 == round && (v & 1) == 1)
                {
                    Volatile.Write(ref *_line, v + 1);
                    if ((v & 0xFFFFF) >= 2 * RoundTrips - 1) break; // the last round trip of this sample
                }
                else if ((++spins & 63) == 0 && Stopwatch.GetTimestamp() > deadline) break;
            }
        }
    }

    /// <summary>Sleeps until the round's instant, the same for both threads; false once stopped.</summary>
    private bool SleepUntilRound(long round)
    {
        long at = _start + round * (long)(Period.TotalSeconds * Stopwatch.Frequency);
        long ns = (long)(at * (1e9 / Stopwatch.Frequency)); // Stopwatch is CLOCK_MONOTONIC on Linux
        var until = new Libc.TimeSpec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        while (!_stop && Libc.ClockNanosleep(Libc.ClockMonotonic, Libc.TimerAbsTime, &until, null) == Errno.EINTR) { }
        return !_stop;
    }

    private Thread Run(string which, int cpu, Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                CpuPinning.PinCurrentThread(cpu);
                int priority = 1;
                Libc.SchedSetScheduler(0, Libc.SchedFifo, &priority); // refused without the privilege: the thread runs as before
                body();
            }
            catch (DescsockException)
            {
                _stop = true; // cannot pin: no samples, and the partner ends at its next round
            }
        }) { IsBackground = true, Name = $"bench-in-run-{which}" };
        thread.Start();
        return thread;
    }
}
