using Descsock.Interop;
namespace Descsock.Client;

/// <summary>
/// How a tenant's supervisor re-registers after the agent or the control connection goes away:
/// exponential backoff from <see cref="InitialDelay"/> up to <see cref="MaxDelay"/>, each delay
/// spread by ± <see cref="Jitter"/> so that many tenants of a restarted agent do not return in
/// one burst. Refusals that no retry can cure (<see cref="IsFatal"/>) end the attempts at once.
/// </summary>
public sealed record ReconnectPolicy
{
    /// <summary>Reconnect at all (otherwise a lost agent leaves the socket disconnected with the errno).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Delay before the first attempt.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Growth of the delay per failed attempt.</summary>
    public double Multiplier { get; init; } = 2.0;

    /// <summary>Fraction (0..1) by which each delay is randomly lengthened or shortened.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>Attempts before giving up; 0 means never give up.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> (1-based), with
    /// <paramref name="random"/> in [0, 1) choosing the jitter. Never above <see cref="MaxDelay"/>.
    /// </summary>
    public TimeSpan Delay(int attempt, double random)
    {
        double exponent = Math.Min(Math.Max(attempt - 1, 0), 62);
        double baseMs = Math.Min(InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, exponent), MaxDelay.TotalMilliseconds);
        double jittered = baseMs * (1 + Jitter * (2 * random - 1));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 0, MaxDelay.TotalMilliseconds));
    }

    /// <summary>
    /// True for refusals that a retry cannot cure: the secret or the peer's credentials were
    /// refused (EACCES), the agent speaks another protocol version (EPROTO), or our own
    /// settings are invalid (EINVAL). The agent not listening, not knowing the id yet, still
    /// holding the old registration or not answering are worth retrying.
    /// </summary>
    public static bool IsFatal(int errno) => errno is Errno.EACCES or Errno.EPROTO or Errno.EINVAL;
}
