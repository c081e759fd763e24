using System.Diagnostics;
namespace Descsock.Client;

/// <summary>
/// How long a blocking wait spins before it sleeps, adapted per endpoint as Linux's cpuidle
/// haltpoll governor adapts its poll window. A wait that had to sleep but was answered within
/// <see cref="MaxNs"/> doubles the budget, because a longer spin would have caught it without two
/// wake-ups. A wait that slept longer than that halves it, because spinning would have been wasted.
/// A wait answered while spinning leaves it as it is.
/// Why spin at all: a reply to a frame just sent comes back after the agent has woken, tens to
/// hundreds of µs on a virtual machine. If the waiter sleeps meanwhile, its own wake-up costs as
/// much again (an eventfd ping between two sleeping threads on this 2-CPU VM: 185 µs at p50, and
/// 100 µs when one of them spins). Spinning is bounded by <see cref="MaxNs"/>, so an idle socket
/// costs that much once per blocking call and then nothing (design rule 6).
/// Thread-safety: racy on purpose. Concurrent waiters may lose each other's updates; it is a hint.
/// </summary>
public sealed class SpinBudget
{
    /// <summary>The shortest budget: a wait that keeps sleeping long still polls this long first.</summary>
    public const long MinNs = 10_000;

    /// <summary>The longest budget: above a VM's wake-up latency of an idle CPU (p90 ~150 µs here), below a scheduler tick.</summary>
    public const long MaxNs = 200_000;

    private static readonly double TicksPerNs = Stopwatch.Frequency / 1e9;
    private long _ns = MaxNs;

    /// <summary>The current budget in nanoseconds.</summary>
    public long Nanoseconds => Volatile.Read(ref _ns);

    /// <summary>The current budget in <see cref="Stopwatch"/> ticks.</summary>
    public long Ticks => (long)(Nanoseconds * TicksPerNs);

    /// <summary>A wait that slept ended after <paramref name="waitedTicks"/> in all (spin included): adapts the budget.</summary>
    public void Slept(long waitedTicks)
    {
        long waitedNs = (long)(waitedTicks / TicksPerNs), ns = Nanoseconds;
        long next = waitedNs <= MaxNs ? Math.Min(MaxNs, ns * 2) : Math.Max(MinNs, ns / 2);
        Volatile.Write(ref _ns, next);
    }
}
