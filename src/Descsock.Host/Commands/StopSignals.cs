using System.Runtime.InteropServices;
namespace Descsock.Host.Commands;

/// <summary>
/// Ctrl+C (SIGINT) or SIGTERM ends a run early but in order — ping prints its summary, capture
/// flushes its file, bench stops the testpmd and agent processes it started — instead of
/// killing the process. SIGTERM is what <c>timeout</c>, <c>kill</c> and service managers send:
/// taken as the runtime's default, it ended bench at once and left its testpmd processes
/// polling a core each. A second signal terminates as usual, in case the run is stuck.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly PosixSignalRegistration[] _registrations;
    private int _received; // the first signal taken, 0 until then

    public StopSignals(CancellationToken alsoCancelledBy)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(alsoCancelledBy);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled by a stop signal (or by the token given to the constructor).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether Ctrl+C or SIGTERM arrived.</summary>
    public bool Received => Volatile.Read(ref _received) != 0;

    /// <summary>The exit code for the signal that arrived: 130 for Ctrl+C, 143 for SIGTERM (128 + the signal, as shells report).</summary>
    public int ExitCode => Volatile.Read(ref _received) == (int)PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.CompareExchange(ref _received, (int)context.Signal, 0) != 0) return; // the second one terminates
        context.Cancel = true;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cancel.Dispose();
    }
}
