using Descsock.Interop;
namespace Descsock.Native;

/// <summary>
/// The agent's master socket: a SOCK_SEQPACKET listener on a filesystem path, created with mode
/// 0660 right after bind whatever the umask (security rule 12), removed on dispose. Accepted
/// connections come with the kernel's view of the peer's credentials.
/// </summary>
public sealed unsafe class SeqPacketListener : IDisposable
{
    private readonly string _path;
    private readonly FileDescriptor _fd;

    private SeqPacketListener(string path, FileDescriptor fd)
    {
        _path = path;
        _fd = fd;
    }

    /// <summary>Binds and listens at <paramref name="path"/>; a stale socket file is replaced, anything else is refused.</summary>
    public static SeqPacketListener Bind(string path, int backlog = 128)
    {
        if (UnixAddress.IsAbstract(path))
            throw new DescsockException(Errno.EINVAL, "the agent listens on a filesystem socket only: abstract names have no permissions");
        if (File.Exists(path)) RemoveStaleSocket(path);
        var fd = FileDescriptor.FromResult(Libc.Socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0), "socket");
        byte* address = stackalloc byte[112];
        int length = UnixAddress.Encode(path, new Span<byte>(address, 112));
        if (Libc.Bind(fd.Value, address, length) != 0)
        {
            var e = DescsockException.FromLastError($"cannot bind the master socket '{path}'");
            fd.Dispose();
            throw e;
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        if (Libc.Listen(fd.Value, backlog) != 0)
        {
            var e = DescsockException.FromLastError($"cannot listen on '{path}'");
            fd.Dispose();
            File.Delete(path);
            throw e;
        }
        return new SeqPacketListener(path, fd);
    }

    /// <summary>Removes a socket file left by an agent that died; refuses a live agent's socket or any other file.</summary>
    private static void RemoveStaleSocket(string path)
    {
        int fd = Libc.Open(path, Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0); // a socket cannot be opened: ENXIO
        if (fd >= 0)
        {
            Libc.Close(fd);
            throw new DescsockException(Errno.EADDRINUSE, $"'{path}' exists and is not a socket");
        }
        try
        {
            SeqPacketSocket.Connect(path).Dispose();
        }
        catch (DescsockException)
        {
            File.Delete(path); // nobody answers: stale
            return;
        }
        throw new DescsockException(Errno.EADDRINUSE, $"another agent is listening on '{path}'");
    }

    /// <summary>The socket file.</summary>
    public string Path => _path;

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (-1: without limit) for a connection; null on
    /// timeout, or at once when <paramref name="wake"/> is signalled (how the owner stops the wait).
    /// </summary>
    public SeqPacketSocket? Accept(int timeoutMs, out PeerCredentials peer, EventFd? wake = null)
    {
        peer = default;
        PollFd* pfd = stackalloc PollFd[2];
        pfd[0] = new PollFd { Fd = _fd.Value, Events = Libc.POLLIN };
        if (wake is not null) pfd[1] = new PollFd { Fd = wake.Descriptor.Value, Events = Libc.POLLIN };
        if (Libc.Poll(pfd, wake is null ? 1u : 2u, timeoutMs) <= 0 || pfd[0].ReturnedEvents == 0) return null;
        int fd = Libc.Accept4(_fd.Value, null, null, Libc.SOCK_CLOEXEC);
        if (fd < 0) return null;
        int* cred = stackalloc int[3];
        int len = 12;
        if (Libc.GetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_PEERCRED, cred, &len) == 0)
            peer = new PeerCredentials(cred[0], (uint)cred[1], (uint)cred[2]);
        return SeqPacketSocket.FromAccepted(new FileDescriptor(fd));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _fd.Dispose();
        try { File.Delete(_path); } catch (IOException) { }
    }
}
