using System.Diagnostics;
namespace Descsock.Host.Ping;

/// <summary>
/// The demo tenant: sends self-checking frames of random sizes to an echoing agent and checks
/// that every one comes back intact and in order. Keeps a bounded window in flight so that the
/// echo never overruns the receive ring (no loss is the point of the check).
/// </summary>
public static class Pinger
{
    /// <summary>Runs the exchange on an open socket.</summary>
    public static PingResult Run(DescsockSocket socket, PingOptions o, CancellationToken cancellationToken = default)
    {
        var rng = new Random(o.Seed);
        var tx = new byte[o.MaxSize];
        var rx = new byte[socket.MaxFrameLength];
        long sent = 0, received = 0, corrupt = 0, disorder = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        long lastProgress = 0, lastArrival = clock.ElapsedMilliseconds;
        int nextSize = rng.Next(o.MinSize, o.MaxSize + 1);
        while (received < o.Count && !cancellationToken.IsCancellationRequested)
        {
            bool progressed = false;
            while (sent < o.Count && sent - received < o.Window)
            {
                FramePattern.Write(tx, (ulong)sent, nextSize);
                if (!socket.TrySend(tx.AsSpan(0, nextSize), out int errno))
                {
                    if (errno == DescsockErrors.EWOULDBLOCK) break;
                    throw new DescsockException(errno, "send failed during ping");
                }
                sent++;
                nextSize = rng.Next(o.MinSize, o.MaxSize + 1);
                progressed = true;
            }
            while (socket.TryRecv(rx, out int length))
            {
                progressed = true;
                string? error = FramePattern.Verify(rx.AsSpan(0, length), out ulong seq);
                if (error is not null) { corrupt++; firstError ??= error; }
                else if (seq != (ulong)received) { disorder++; firstError ??= $"expected frame {received}, got {seq}"; }
                received++;
            }
            long now = clock.ElapsedMilliseconds;
            if (progressed) lastArrival = now;
            else
            {
                if (now - lastArrival > o.StallTimeout.TotalMilliseconds)
                {
                    firstError ??= $"no progress for {o.StallTimeout.TotalSeconds:F0} s: {o.Count - received} frames missing";
                    break;
                }
                var events = socket.Wait(DescsockPollEvents.In, TimeSpan.FromMilliseconds(100));
                if ((events & DescsockPollEvents.Err) != 0) throw new DescsockException(DescsockErrors.ECONNRESET, "connection lost during ping");
            }
            if (o.Progress is not null && now - lastProgress >= 1000)
            {
                lastProgress = now;
                o.Progress.WriteLine($"  ... {received:N0} / {o.Count:N0} frames echoed");
            }
        }
        return new PingResult(sent, received, corrupt, disorder, clock.Elapsed, firstError);
    }
}
