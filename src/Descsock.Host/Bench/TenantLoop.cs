using System.Diagnostics;
namespace Descsock.Host.Bench;

/// <summary>
/// A C# tenant's traffic loop on its own thread (inheriting the process's CPU pin), counting
/// frames in a field the benchmark samples while it runs. The loops send with
/// <c>TrySendBurst</c> and receive with <c>TryRecvBurst</c>, in bursts of <see cref="Burst"/>, the way
/// a poll-mode application (and testpmd) would.
/// Thread-safety: <see cref="Frames"/> may be read from any thread.
/// </summary>
internal sealed class TenantLoop
{
    /// <summary>Frames in flight for the echo workload: testpmd's default burst, what <c>--tx-first</c> puts in flight.</summary>
    public const int EchoWindow = 32;

    /// <summary>Frames per send burst: testpmd's default.</summary>
    public const int Burst = 32;

    private readonly Thread _thread;
    private long _frames;
    private volatile bool _stop;
    private Exception? _failure;

    private TenantLoop(string name, Action<TenantLoop> body)
    {
        _thread = new Thread(() =>
        {
            try { body(this); }
            catch (Exception e) { _failure = e; }
        }) { Name = name, IsBackground = true };
    }

    /// <summary>Frames sent (flood) or received (drain, echo) so far.</summary>
    public long Frames => Volatile.Read(ref _frames);

    /// <summary>A reading of <see cref="Frames"/> with its timestamp.</summary>
    public (long Count, long Timestamp) Sample() => (Frames, Stopwatch.GetTimestamp());

    /// <summary>Sends <paramref name="size"/>-byte frames (plus CRC) as fast as the ring takes them.</summary>
    public static TenantLoop Flood(DescsockSocket socket, int size) => Start("bench-flood", loop =>
    {
        var burst = BurstOf(BenchFrames.Make(size));
        while (!loop._stop)
        {
            int sent = socket.TrySendBurst(burst, out int errno);
            if (sent > 0) Volatile.Write(ref loop._frames, loop._frames + sent);
            else if (errno != Interop.Errno.EWOULDBLOCK) throw new DescsockException(errno, "the tenant cannot send");
        }
    });

    /// <summary>Receives every frame the agent sends.</summary>
    public static TenantLoop Drain(DescsockSocket socket) => Start("bench-drain", loop =>
    {
        var buffers = BuffersFor(socket);
        var lengths = new int[Burst];
        while (!loop._stop)
        {
            int got = socket.TryRecvBurst(buffers, lengths);
            if (got > 0) Volatile.Write(ref loop._frames, loop._frames + got);
        }
    });

    /// <summary>
    /// Keeps <see cref="EchoWindow"/> frames in flight through an echoing agent, counting those
    /// returned. A frame that never comes back fails the loop, and so the figure: an echo rate
    /// over a shrinking window would hide the loss.
    /// </summary>
    public static TenantLoop Echo(DescsockSocket socket, int size) => Start("bench-echo", loop =>
    {
        var burst = BurstOf(BenchFrames.Make(size));
        var buffers = BuffersFor(socket);
        var lengths = new int[Burst];
        int inFlight = 0;
        long lastReturn = 0; // when the current run of empty rounds began; 0: frames came back last round
        long patience = Stopwatch.Frequency / 10; // 100 ms without an echo: the missing frames were dropped
        int empty = 0; // empty rounds in a row
        while (!loop._stop)
        {
            if (inFlight < EchoWindow) inFlight += socket.TrySendBurst(burst.AsSpan(0, EchoWindow - inFlight));
            int got = socket.TryRecvBurst(buffers, lengths);
            if (got > 0)
            {
                inFlight -= got;
                Volatile.Write(ref loop._frames, loop._frames + got);
                lastReturn = 0;
                empty = 0;
            }
            else if (inFlight > 0 && (++empty & 1023) == 0)
            {
                // The clock only now and then when nothing came back: read on every empty round, it
                // took a quarter of this loop's CPU (a profile of the 64 B echo, 2026-12-03) and
                // delayed the look that finds the next echo.
                long now = Stopwatch.GetTimestamp();
                if (lastReturn == 0) lastReturn = now;
                else if (now - lastReturn > patience)
                    throw new InvalidOperationException($"the agent dropped echo frames: {inFlight} in flight, none back for 100 ms");
            }
        }
    });

    /// <summary>A receive burst's buffers, each as large as the socket's largest frame (built once: nothing is allocated per burst).</summary>
    public static Memory<byte>[] BuffersFor(DescsockSocket socket) =>
        Enumerable.Range(0, Burst).Select(_ => new Memory<byte>(new byte[socket.MaxFrameLength])).ToArray();

    /// <summary>The same frame <see cref="Burst"/> times, as the burst send takes it (built once: nothing is allocated per burst).</summary>
    private static ReadOnlyMemory<byte>[] BurstOf(byte[] frame) => Enumerable.Repeat<ReadOnlyMemory<byte>>(frame, Burst).ToArray();

    private static TenantLoop Start(string name, Action<TenantLoop> body)
    {
        var loop = new TenantLoop(name, body);
        loop._thread.Start();
        return loop;
    }

    /// <summary>Stops the loop, waits for it, and rethrows what made it fail.</summary>
    public void Stop()
    {
        _stop = true;
        _thread.Join();
        if (_failure is not null) throw new InvalidOperationException($"the tenant loop failed: {_failure.Message}", _failure);
    }

    /// <summary>Throws if the loop has already failed (checked while sampling).</summary>
    public void ThrowIfFailed()
    {
        if (_failure is not null) throw new InvalidOperationException($"the tenant loop failed: {_failure.Message}", _failure);
    }
}
