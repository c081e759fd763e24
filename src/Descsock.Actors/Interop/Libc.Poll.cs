using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    internal const short POLLIN = 1;
    internal const short POLLOUT = 4;
    internal const short POLLERR = 8;
    internal const short POLLHUP = 0x10;

    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    internal static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);
}

/// <summary><c>struct pollfd</c>: fd, requested events, returned events.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
