using Descsock.Interop;
namespace Descsock.Native;

/// <summary>
/// An AF_UNIX SOCK_SEQPACKET socket carrying memif control messages, with SCM_RIGHTS fd passing
/// (which System.Net.Sockets lacks). Sends never block (MSG_DONTWAIT): a peer that does not read
/// cannot stall us. Receives wait with poll() and a timeout. Thread-safety: one sender and one
/// receiver at a time.
/// </summary>
public sealed unsafe partial class SeqPacketSocket : IDisposable
{
    private SeqPacketSocket(FileDescriptor fd) => Descriptor = fd;

    /// <summary>The owned socket descriptor.</summary>
    public FileDescriptor Descriptor { get; }

    /// <summary>
    /// Connects to a listener at <paramref name="name"/> (path, or <c>@name</c> for abstract).
    /// Throws <see cref="DescsockException"/> with ENOENT (no such socket file) or
    /// ECONNREFUSED (nobody listening), as connect(2) reports them.
    /// </summary>
    public static SeqPacketSocket Connect(string name)
    {
        var fd = FileDescriptor.FromResult(Libc.Socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0), "socket");
        byte* address = stackalloc byte[112];
        int length = UnixAddress.Encode(name, new Span<byte>(address, 112));
        if (Libc.Connect(fd.Value, address, length) != 0)
        {
            int errno = Errno.Last;
            fd.Dispose();
            throw new DescsockException(errno, $"cannot connect to the DMA agent's socket '{name}'");
        }
        return new SeqPacketSocket(fd);
    }

    /// <summary>Wraps an accepted connection.</summary>
    internal static SeqPacketSocket FromAccepted(FileDescriptor fd) => new(fd);

    /// <summary>
    /// Sends one message, optionally with one fd. Returns 0 or the errno (EAGAIN when the
    /// peer's queue is full: the control path treats that as a failed peer, never waits).
    /// </summary>
    public int Send(ReadOnlySpan<byte> message, FileDescriptor? attach = null)
    {
        byte* control = stackalloc byte[CmsgHdr.SpaceForOneFd];
        fixed (byte* data = message)
        {
            var iov = new IoVec { Base = data, Length = (nuint)message.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1 };
            if (attach is not null)
            {
                new Span<byte>(control, CmsgHdr.SpaceForOneFd).Clear();
                var cmsg = (CmsgHdr*)control;
                cmsg->Length = CmsgHdr.LengthForOneFd;
                cmsg->Level = CmsgHdr.SOL_SOCKET;
                cmsg->Type = CmsgHdr.SCM_RIGHTS;
                *(int*)(control + CmsgHdr.HeaderSize) = attach.Value;
                header.Control = control;
                header.ControlLength = CmsgHdr.SpaceForOneFd;
            }
            nint sent = Libc.SendMsg(Descriptor.Value, &header, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
            if (sent == message.Length) return 0;
            return sent < 0 ? Errno.Last : Errno.EIO;
        }
    }

    /// <summary>
    /// Receives one message into <paramref name="buffer"/>, waiting up to
    /// <paramref name="timeoutMs"/> (-1 = forever). At most one fd is accepted (close-on-exec);
    /// any more, and any fd on a truncated message, are closed here so none leak.
    /// </summary>
    public ReceiveStatus Receive(Span<byte> buffer, out int length, out FileDescriptor? fd, int timeoutMs) =>
        Receive(buffer, out length, out fd, timeoutMs, null);

    /// <summary>
    /// As <see cref="Receive(Span{byte}, out int, out FileDescriptor?, int)"/>, and also returns
    /// <see cref="ReceiveStatus.Timeout"/> as soon as <paramref name="wake"/> is signalled (it is not drained).
    /// </summary>
    public ReceiveStatus Receive(Span<byte> buffer, out int length, out FileDescriptor? fd, int timeoutMs, EventFd? wake)
    {
        length = 0;
        fd = null;
        if (!WaitReadable(timeoutMs, wake)) return ReceiveStatus.Timeout;
        // Room for several fds so that extra ones are received (and then closed), not left in flight.
        const int controlSize = 128;
        byte* control = stackalloc byte[controlSize];
        fixed (byte* data = buffer)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = controlSize };
            nint n;
            do n = Libc.RecvMsg(Descriptor.Value, &header, Libc.MSG_DONTWAIT | Libc.MSG_CMSG_CLOEXEC);
            while (n < 0 && Errno.Last == Errno.EINTR);
            if (n < 0)
                return Errno.Last == Errno.EAGAIN ? ReceiveStatus.Timeout : ReceiveStatus.Closed;
            int fdCount = CollectDescriptors(&header, out int first);
            if (n == 0 && fdCount == 0) return ReceiveStatus.Closed;
            if ((header.Flags & Libc.MSG_TRUNC) != 0) { CloseIfOpen(first); return ReceiveStatus.Truncated; }
            if ((header.Flags & Libc.MSG_CTRUNC) != 0 || fdCount > 1) { CloseIfOpen(first); return ReceiveStatus.TooManyDescriptors; }
            length = (int)n;
            if (first >= 0) fd = new FileDescriptor(first);
            return ReceiveStatus.Message;
        }
    }

    /// <summary>Waits until readable or hung up; false on timeout or when <paramref name="wake"/> is signalled.</summary>
    private bool WaitReadable(int timeoutMs, EventFd? wake)
    {
        PollFd* pfd = stackalloc PollFd[2];
        pfd[0] = new PollFd { Fd = Descriptor.Value, Events = Libc.POLLIN };
        if (wake is not null) pfd[1] = new PollFd { Fd = wake.Descriptor.Value, Events = Libc.POLLIN };
        int r;
        do r = Libc.Poll(pfd, wake is null ? 1u : 2u, timeoutMs);
        while (r < 0 && Errno.Last == Errno.EINTR);
        return r > 0 && pfd[0].ReturnedEvents != 0;
    }

    /// <summary>Walks the control messages: keeps the first SCM_RIGHTS fd, closes every other one.</summary>
    private static int CollectDescriptors(MsgHdr* header, out int first)
    {
        first = -1;
        int count = 0;
        byte* p = (byte*)header->Control;
        byte* end = p + (long)header->ControlLength;
        while (p + CmsgHdr.HeaderSize <= end)
        {
            var cmsg = (CmsgHdr*)p;
            long len = (long)cmsg->Length;
            if (len < CmsgHdr.HeaderSize || p + len > end) break;
            if (cmsg->Level == CmsgHdr.SOL_SOCKET && cmsg->Type == CmsgHdr.SCM_RIGHTS)
            {
                int fds = (int)((len - CmsgHdr.HeaderSize) / sizeof(int));
                for (int i = 0; i < fds; i++)
                {
                    int fd = ((int*)(p + CmsgHdr.HeaderSize))[i];
                    if (count++ == 0) first = fd; else Libc.Close(fd);
                }
            }
            p += (len + 7) & ~7L;
        }
        return count;
    }

    private static void CloseIfOpen(int fd)
    {
        if (fd >= 0) Libc.Close(fd);
    }

    /// <inheritdoc />
    public void Dispose() => Descriptor.Dispose();
}
