using System.Text;
using Descsock.Interop;
namespace Descsock.Native;

/// <summary>
/// A Linux TAP interface (<c>/dev/net/tun</c>, IFF_TAP | IFF_NO_PI): each read returns one
/// Ethernet frame the kernel sends out of the interface, each write injects one frame into the
/// kernel, both without CRC. The descriptor is non-blocking so the forwarding plane can poll it
/// between rounds and sleep on it with epoll. The interface exists while this object lives (it
/// is not made persistent) and is brought up at creation. Thread-safety: one user thread.
/// </summary>
public sealed unsafe class TapDevice : IDisposable
{
    /// <summary>Longest interface name Linux accepts (IFNAMSIZ - 1).</summary>
    public const int MaxNameLength = IfReq.NameSize - 1;

    private TapDevice(FileDescriptor fd, string name)
    {
        Descriptor = fd;
        Name = name;
    }

    /// <summary>The descriptor (for epoll).</summary>
    public FileDescriptor Descriptor { get; }

    /// <summary>The interface name the kernel gave it.</summary>
    public string Name { get; }

    /// <summary>Creates (or attaches to a persistent) TAP interface called <paramref name="name"/> and brings it up.</summary>
    public static TapDevice Create(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.ASCII.GetByteCount(name) > MaxNameLength || name.Any(c => c is '/' or ' ' or ':' || char.IsControl(c) || c > 127))
            throw new DescsockException(Errno.EINVAL, $"'{name}' is not a valid interface name (at most {MaxNameLength} ASCII characters, no '/', ':' or spaces)");
        var fd = FileDescriptor.FromResult(Libc.Open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0), "open /dev/net/tun");
        try
        {
            var request = Request(name, Libc.IFF_TAP | Libc.IFF_NO_PI);
            if (Libc.Ioctl(fd.Value, Libc.TUNSETIFF, &request) != 0)
                throw DescsockException.FromLastError($"TUNSETIFF {name}");
            string actual = NameOf(request);
            BringUp(actual);
            return new TapDevice(fd, actual);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Reads one frame into <paramref name="buffer"/>: its length, 0 when none is queued, or -errno.</summary>
    public int Read(byte* buffer, int capacity)
    {
        nint n = Libc.Read(Descriptor.Value, buffer, (nuint)capacity);
        if (n >= 0) return (int)n;
        int errno = Errno.Last;
        return errno == Errno.EAGAIN ? 0 : -errno;
    }

    /// <summary>Writes one frame gathered from <paramref name="count"/> pieces; true when the kernel took it.</summary>
    internal bool Write(IoVec* pieces, int count) => Libc.Writev(Descriptor.Value, pieces, count) >= 0;

    private static IfReq Request(string name, short flags)
    {
        var request = new IfReq { Flags = flags };
        Encoding.ASCII.GetBytes(name, new Span<byte>(request.Name, IfReq.NameSize - 1));
        return request;
    }

    private static string NameOf(IfReq request) =>
        Encoding.ASCII.GetString(new ReadOnlySpan<byte>(request.Name, IfReq.NameSize).TrimEnd((byte)0));

    /// <summary>Sets IFF_UP through an ordinary datagram socket, as <c>ip link set up</c> does.</summary>
    private static void BringUp(string name)
    {
        using var control = FileDescriptor.FromResult(Libc.Socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0), "socket(AF_INET)");
        var request = Request(name, 0);
        if (Libc.Ioctl(control.Value, Libc.SIOCGIFFLAGS, &request) != 0) throw DescsockException.FromLastError($"SIOCGIFFLAGS {name}");
        request.Flags |= Libc.IFF_UP;
        if (Libc.Ioctl(control.Value, Libc.SIOCSIFFLAGS, &request) != 0) throw DescsockException.FromLastError($"SIOCSIFFLAGS {name}");
    }

    /// <inheritdoc />
    public void Dispose() => Descriptor.Dispose();
}
