using Descsock.Interop;
namespace Descsock;

/// <summary>
/// A failure carrying an errno value, as the seed's C API reports it. Thrown by the seed-shaped
/// API (<c>Open</c>, <c>Send</c>, <c>Recv</c>, <c>Close</c>) and by configuration; the hot-path
/// <c>Try*</c> methods return the errno instead of throwing.
/// </summary>
public sealed class DescsockException : IOException
{
    /// <summary>Creates the exception for <paramref name="errno"/> with a reason.</summary>
    public DescsockException(int errno, string reason, Exception? inner = null)
        : base($"{reason} ({ErrnoName(errno)}: {Interop.Errno.Describe(errno)})", inner)
    {
        Errno = errno;
        Reason = reason;
        HResult = errno;
    }

    /// <summary>Why, without the errno suffix the message carries.</summary>
    public string Reason { get; }

    /// <summary>The errno value (see the README's error table).</summary>
    public int Errno { get; }

    /// <summary>The symbolic name of an errno value this library uses, or its number.</summary>
    public static string ErrnoName(int errno) => errno switch
    {
        Interop.Errno.EPERM => "EPERM",
        Interop.Errno.ENOENT => "ENOENT",
        Interop.Errno.EINTR => "EINTR",
        Interop.Errno.EIO => "EIO",
        Interop.Errno.EBADF => "EBADF",
        Interop.Errno.EAGAIN => "EWOULDBLOCK",
        Interop.Errno.ENOMEM => "ENOMEM",
        Interop.Errno.EACCES => "EACCES",
        Interop.Errno.EFAULT => "EFAULT",
        Interop.Errno.EBUSY => "EBUSY",
        Interop.Errno.EINVAL => "EINVAL",
        Interop.Errno.ENOSPC => "ENOSPC",
        Interop.Errno.EPIPE => "EPIPE",
        Interop.Errno.EPROTO => "EPROTO",
        Interop.Errno.EMSGSIZE => "EMSGSIZE",
        Interop.Errno.EADDRINUSE => "EADDRINUSE",
        Interop.Errno.ECONNRESET => "ECONNRESET",
        Interop.Errno.EISCONN => "EISCONN",
        Interop.Errno.ENOTCONN => "ENOTCONN",
        Interop.Errno.ETIMEDOUT => "ETIMEDOUT",
        Interop.Errno.ECONNREFUSED => "ECONNREFUSED",
        _ => errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Throws for the last native call's errno, naming what was attempted.</summary>
    internal static DescsockException FromLastError(string what)
    {
        int errno = Interop.Errno.Last;
        return new DescsockException(errno == 0 ? Interop.Errno.EIO : errno, what);
    }
}
