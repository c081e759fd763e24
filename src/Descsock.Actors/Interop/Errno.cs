namespace Descsock.Interop;

/// <summary>The errno values this library produces or handles (x86-64 Linux numbering).</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    /// <summary>Same value as <see cref="EAGAIN"/> on Linux.</summary>
    public const int EWOULDBLOCK = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int EPIPE = 32;
    public const int EPROTO = 71;
    public const int EMSGSIZE = 90;
    public const int EADDRINUSE = 98;
    public const int ECONNRESET = 104;
    public const int EISCONN = 106;
    public const int ENOTCONN = 107;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;

    /// <summary>errno of the last failed native call on this thread.</summary>
    public static int Last => System.Runtime.InteropServices.Marshal.GetLastPInvokeError();

    /// <summary>The C library's text for an errno value (strerror), for messages.</summary>
    public static string Describe(int errno) => System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno);
}
