namespace Descsock.Host.Commands;

/// <summary>
/// Ctrl+C ends a run early but in order — ping prints its summary, capture flushes its file —
/// instead of killing the process. A second Ctrl+C kills it as usual, in case the run is stuck.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private int _presses;

    public CtrlC(CancellationToken alsoCancelledBy)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(alsoCancelledBy);
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Cancelled by Ctrl+C (or by the token given to the constructor).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether Ctrl+C was pressed.</summary>
    public bool Pressed => Volatile.Read(ref _presses) > 0;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (Interlocked.Increment(ref _presses) > 1) return; // the second one terminates
        e.Cancel = true;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _cancel.Dispose();
    }
}
