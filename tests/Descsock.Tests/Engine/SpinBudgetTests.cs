using System.Diagnostics;
using Descsock.Engine;
namespace Descsock.Tests.Engine;

/// <summary>The adaptive spin of pollers: how the budget moves (no timing is asserted).</summary>
public class SpinBudgetTests
{
    private static long Ticks(long ns) => (long)(ns * (Stopwatch.Frequency / 1e9));

    [Fact]
    public void A_tenant_wait_starts_at_the_longest_budget()
    {
        var spin = SpinBudget.ForTenantWait();
        Assert.Equal(SpinBudget.TenantMaxNs, spin.Nanoseconds);
        Assert.Equal(SpinBudget.TenantMinNs, spin.MinNs);
    }

    [Fact]
    public void Waits_that_slept_long_halve_it_down_to_the_floor()
    {
        var spin = SpinBudget.ForTenantWait();
        spin.Slept(Ticks(spin.MaxNs * 10));
        Assert.Equal(spin.MaxNs / 2, spin.Nanoseconds);
        for (int i = 0; i < 20; i++) spin.Slept(Ticks(1_000_000_000));
        Assert.Equal(spin.MinNs, spin.Nanoseconds);
    }

    [Fact]
    public void A_wait_answered_soon_after_it_slept_doubles_it_up_to_the_ceiling()
    {
        var spin = SpinBudget.ForTenantWait();
        for (int i = 0; i < 20; i++) spin.Slept(Ticks(1_000_000_000));
        spin.Slept(Ticks(spin.MaxNs / 2)); // a longer spin would have caught it
        Assert.Equal(spin.MinNs * 2, spin.Nanoseconds);
        for (int i = 0; i < 20; i++) spin.Slept(Ticks(spin.MaxNs / 2));
        Assert.Equal(spin.MaxNs, spin.Nanoseconds);
    }

    [Fact]
    public void Ticks_follow_the_budget()
    {
        var spin = SpinBudget.ForTenantWait();
        Assert.InRange(spin.Ticks, Ticks(spin.MaxNs) - 1, Ticks(spin.MaxNs) + 1);
    }

    [Fact]
    public void Custom_bounds_clamp_the_start_and_hold_a_zero_floor()
    {
        var spin = new SpinBudget(0, 8_000_000, 50_000_000);
        Assert.Equal(8_000_000, spin.Nanoseconds);
        for (int i = 0; i < 40; i++) spin.Slept(Ticks(1_000_000_000));
        Assert.Equal(0, spin.Nanoseconds);
        spin.Slept(Ticks(1_000_000)); // from a zero budget, an answered wait still grows it
        Assert.True(spin.Nanoseconds > 0);
    }

    [Fact]
    public void Bounds_out_of_order_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpinBudget(10, 5, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpinBudget(-1, 5, 0));
    }
}
