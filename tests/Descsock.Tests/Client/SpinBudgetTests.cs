using System.Diagnostics;
using Descsock.Client;
namespace Descsock.Tests.Client;

/// <summary>The adaptive spin of blocking waits: how the budget moves (no timing is asserted).</summary>
public class SpinBudgetTests
{
    private static long Ticks(long ns) => (long)(ns * (Stopwatch.Frequency / 1e9));

    [Fact]
    public void Starts_at_the_longest_budget()
    {
        Assert.Equal(SpinBudget.MaxNs, new SpinBudget().Nanoseconds);
    }

    [Fact]
    public void Waits_that_slept_long_halve_it_down_to_the_floor()
    {
        var spin = new SpinBudget();
        spin.Slept(Ticks(SpinBudget.MaxNs * 10));
        Assert.Equal(SpinBudget.MaxNs / 2, spin.Nanoseconds);
        for (int i = 0; i < 20; i++) spin.Slept(Ticks(1_000_000_000));
        Assert.Equal(SpinBudget.MinNs, spin.Nanoseconds);
    }

    [Fact]
    public void A_wait_answered_soon_after_it_slept_doubles_it_up_to_the_ceiling()
    {
        var spin = new SpinBudget();
        for (int i = 0; i < 20; i++) spin.Slept(Ticks(1_000_000_000));
        spin.Slept(Ticks(SpinBudget.MaxNs / 2)); // a longer spin would have caught it
        Assert.Equal(SpinBudget.MinNs * 2, spin.Nanoseconds);
        for (int i = 0; i < 20; i++) spin.Slept(Ticks(SpinBudget.MaxNs / 2));
        Assert.Equal(SpinBudget.MaxNs, spin.Nanoseconds);
    }

    [Fact]
    public void Ticks_follow_the_budget()
    {
        var spin = new SpinBudget();
        Assert.InRange(spin.Ticks, Ticks(SpinBudget.MaxNs) - 1, Ticks(SpinBudget.MaxNs) + 1);
    }
}
