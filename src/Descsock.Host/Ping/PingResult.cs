namespace Descsock.Host.Ping;

/// <summary>What a ping run saw: every frame must come back intact and in order for <see cref="Success"/>.</summary>
public sealed record PingResult(long Sent, long Received, long Corrupt, long OutOfOrder, TimeSpan Elapsed, string? FirstError)
{
    /// <summary>All frames came back, intact, in order.</summary>
    public bool Success => Received == Sent && Corrupt == 0 && OutOfOrder == 0 && FirstError is null;

    /// <summary>Frames per second, round trip.</summary>
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? Received / Elapsed.TotalSeconds : 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"sent {Sent}, received {Received}, corrupt {Corrupt}, out of order {OutOfOrder}, " +
        $"{Elapsed.TotalSeconds:F2} s, {FramesPerSecond:F0} frames/s" + (FirstError is null ? "" : $"; first error: {FirstError}");
}
