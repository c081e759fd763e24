namespace Descsock.Host.Ping;

/// <summary>What <c>descsock ping</c> does: how many frames, of which sizes, through which agent.</summary>
public sealed record PingOptions
{
    /// <summary>The tenant's spec.</summary>
    public required DescsockClientSpec Spec { get; init; }
    /// <summary>Frames to send.</summary>
    public long Count { get; init; } = 100_000;
    /// <summary>Smallest frame, CRC included.</summary>
    public int MinSize { get; init; } = 64 + 4;
    /// <summary>Largest frame, CRC included.</summary>
    public int MaxSize { get; init; } = 1518 + 4;
    /// <summary>Frames in flight at most (keep below the receive ring so the echo never drops).</summary>
    public int Window { get; init; } = 256;
    /// <summary>Give up when nothing arrives for this long.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Seed of the random frame sizes.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Where progress lines go (null: nowhere).</summary>
    public TextWriter? Progress { get; init; }
}
