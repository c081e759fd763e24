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
