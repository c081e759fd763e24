namespace Descsock.Rings;

/// <summary>
/// Lets several application threads share one ring side safely: one interlocked exchange to
/// enter when uncontended (no kernel object, no allocation), a short spin when contended.
/// </summary>
internal struct ExclusiveGuard
{
    private int _held;

    /// <summary>Enters, spinning while another thread holds the guard.</summary>
    public void Enter()
    {
        if (Interlocked.Exchange(ref _held, 1) == 0) return;
        var spin = new SpinWait();
        while (Interlocked.Exchange(ref _held, 1) != 0) spin.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>Enters if nobody holds the guard; never waits. True when entered.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    /// <summary>Leaves (release store).</summary>
    public void Exit() => Volatile.Write(ref _held, 0);
}
