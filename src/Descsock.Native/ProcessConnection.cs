using Descsock.Interop;
namespace Descsock.CApi;

/// <summary>
/// The seed's C API has no socket handle: a process has one connection, opened by
/// <c>descsock_open</c> and ended by <c>descsock_close</c>. This is that one slot.
/// Thread-safety: Open and Close are serialised; Current may be read from any thread (a call that
/// races Close gets EBADF from the closed socket, as blocked calls do).
/// </summary>
internal static class ProcessConnection
{
    private static readonly Lock Gate = new();
    private static DescsockSocket? _socket;

    /// <summary>The open connection; EBADF when there is none.</summary>
    public static DescsockSocket Current =>
        Volatile.Read(ref _socket) ?? throw new DescsockException(Errno.EBADF, "descsock_open has not been called, or descsock_close has");

    /// <summary>Opens the process's connection; EISCONN if one is open.</summary>
    public static void Open(DescsockClientSpec spec, DescsockFlags flags)
    {
        // Held across the handshake so that two racing descsock_open calls cannot both connect.
        lock (Gate)
        {
            if (_socket is not null) throw new DescsockException(Errno.EISCONN, "a descsock connection is already open in this process");
            Volatile.Write(ref _socket, DescsockSocket.Open(spec, flags));
        }
    }

    /// <summary>Closes the process's connection; EBADF if none is open.</summary>
    public static void Close()
    {
        DescsockSocket socket;
        lock (Gate)
        {
            socket = Current;
            Volatile.Write(ref _socket, null);
        }
        socket.Close();
    }
}
