namespace Descsock.Rings;

/// <summary>
/// Wakes application threads blocked in Send, Recv or Poll. The worker calls
/// <see cref="Notify"/> once per burst; it costs one volatile read unless someone waits, so the
/// hot path pays nothing when nobody blocks. Waiters re-check their condition after
/// <see cref="Prepare"/> so no wake-up is lost.
/// </summary>
public sealed class EndpointSignal
{
    private TaskCompletionSource? _waiters;

    /// <summary>True when some thread is waiting.</summary>
    public bool HasWaiters => Volatile.Read(ref _waiters) is not null;

    /// <summary>Returns the task the next <see cref="Notify"/> completes. Call, re-check, then await.</summary>
    public Task Prepare()
    {
        var current = Volatile.Read(ref _waiters);
        if (current is not null) return current.Task;
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _waiters, fresh, null) ?? fresh).Task;
    }

    /// <summary>Wakes every current waiter.</summary>
    public void Notify()
    {
        if (Volatile.Read(ref _waiters) is null) return;
        Interlocked.Exchange(ref _waiters, null)?.TrySetResult();
    }
}
