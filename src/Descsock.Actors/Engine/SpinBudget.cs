using System.Diagnostics;
namespace Descsock.Engine;

/// <summary>
/// How long a poller spins before it sleeps, adapted as Linux's cpuidle haltpoll governor adapts
/// its poll window, between <see cref="MinNs"/> and <see cref="MaxNs"/>. A wait that had to sleep
/// but was answered within <see cref="MaxNs"/> doubles the budget, because a longer spin would
/// have caught it without the wake-ups. A wait that slept longer than that halves it, because
/// spinning would have been wasted. A wait answered while spinning leaves it as it is.
/// Why spin at all: on a virtual machine waking a thread whose CPU is idle takes tens to hundreds
/// of µs (an eventfd ping to a thread asleep in epoll_wait after a 5 ms gap, on the 2-CPU AMD VM
/// of 2026-12-03: 64 µs at p50 with the other side spinning, 98 µs with both asleep). Spinning is
/// bounded by <see cref="MaxNs"/>, so an idle poller costs that much once and then nothing (design rule 6).
/// Users: a tenant's blocking wait (<see cref="ForTenantWait"/>) and the agent's forwarding plane
/// (<see cref="Descsock.Agent.AgentSettings.IdleSpinMin"/>).
/// Thread-safety: racy on purpose. Concurrent waiters may lose each other's updates; it is a hint.
/// </summary>
public sealed class SpinBudget
{
    /// <summary>A tenant's shortest budget: a wait that keeps sleeping long still polls this long first.</summary>
    public const long TenantMinNs = 10_000;

    /// <summary>A tenant's longest budget: above a VM's wake-up latency of an idle CPU (p90 ~150 µs here), below a scheduler tick.</summary>
    public const long TenantMaxNs = 200_000;

    private static readonly double TicksPerNs = Stopwatch.Frequency / 1e9;
    private long _ns;

    /// <summary>A budget between <paramref name="minNs"/> and <paramref name="maxNs"/>, starting at <paramref name="startNs"/>.</summary>
    public SpinBudget(long minNs, long maxNs, long startNs)
    {
        if (minNs < 0 || maxNs < minNs) throw new ArgumentOutOfRangeException(nameof(maxNs), $"spin budget bounds {minNs}..{maxNs} ns: need 0 <= min <= max");
        MinNs = minNs;
        MaxNs = maxNs;
        _ns = Math.Clamp(startNs, minNs, maxNs);
    }

    /// <summary>A tenant's blocking wait: 10–200 µs, starting at the longest, since a wait usually follows a send.</summary>
    public static SpinBudget ForTenantWait() => new(TenantMinNs, TenantMaxNs, TenantMaxNs);

    /// <summary>The shortest budget.</summary>
    public long MinNs { get; }

    /// <summary>The longest budget; also the longest wait that still counts as answered soon.</summary>
    public long MaxNs { get; }

    /// <summary>The current budget in nanoseconds.</summary>
    public long Nanoseconds => Volatile.Read(ref _ns);

    /// <summary>The current budget in <see cref="Stopwatch"/> ticks.</summary>
    public long Ticks => (long)(Nanoseconds * TicksPerNs);

    /// <summary>A wait that slept ended after <paramref name="waitedTicks"/> in all (spin included): adapts the budget.</summary>
    public void Slept(long waitedTicks)
    {
        long waitedNs = (long)(waitedTicks / TicksPerNs), ns = Nanoseconds;
        long next = waitedNs <= MaxNs ? Math.Min(MaxNs, Math.Max(1, ns) * 2) : Math.Max(MinNs, ns / 2);
        Volatile.Write(ref _ns, next);
    }
}
