using Descsock.Interop;
namespace Descsock.Native;

/// <summary>
/// A non-blocking eventfd used as a memif doorbell: the ring's producer signals, the consumer
/// waits on it (epoll) and drains it. Signal never blocks: a full counter (EAGAIN) already
/// means "signalled" (security rule 10).
/// </summary>
public sealed unsafe class EventFd : IDisposable
{
    private EventFd(FileDescriptor fd) => Descriptor = fd;

    /// <summary>The owned descriptor (sent to the peer with ADD_RING).</summary>
    public FileDescriptor Descriptor { get; }

    /// <summary>Creates a non-blocking, close-on-exec eventfd.</summary>
    public static EventFd Create() =>
        new(FileDescriptor.FromResult(Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC), "eventfd"));

    /// <summary>Wraps an eventfd received from a peer (its flags are the peer's).</summary>
    public static EventFd Adopt(FileDescriptor fd) => new(fd);

    /// <summary>Adds one to the counter. Returns false only on an unexpected error.</summary>
    public bool Signal()
    {
        ulong one = 1;
        nint n = Libc.Write(Descriptor.Value, &one, sizeof(ulong));
        return n == sizeof(ulong) || Errno.Last == Errno.EAGAIN;
    }

    /// <summary>
    /// Signals an eventfd a peer shares with us, which the peer may have switched to blocking
    /// (O_NONBLOCK lives in the shared file description): then a write to a nearly full counter
    /// would block our thread. Checks the flag first and refuses (false) such a descriptor; the
    /// caller treats that as a protocol violation. The peer could still flip the flag between
    /// the check and the write, but must also have filled the counter to 2^64 - 2 in that
    /// window; see the README's security notes.
    /// </summary>
    public bool SignalUntrusted() => IsNonBlocking() && Signal();

    /// <summary>
    /// Drains an eventfd a peer shares with us, refusing (false) one the peer made blocking: a
    /// read of an empty blocking eventfd would never return. Same residual window as
    /// <see cref="SignalUntrusted"/>.
    /// </summary>
    public bool DrainUntrusted()
    {
        if (!IsNonBlocking()) return false;
        Drain();
        return true;
    }

    private bool IsNonBlocking()
    {
        int flags = Libc.Fcntl(Descriptor.Value, Libc.F_GETFL, 0);
        return flags >= 0 && (flags & Libc.O_NONBLOCK) != 0;
    }

    /// <summary>Reads and clears the counter; returns the value read, 0 if it was not signalled.</summary>
    public ulong Drain()
    {
        ulong value = 0;
        nint n = Libc.Read(Descriptor.Value, &value, sizeof(ulong));
        return n == sizeof(ulong) ? value : 0;
    }

    /// <inheritdoc />
    public void Dispose() => Descriptor.Dispose();
}
