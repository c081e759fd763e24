using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    internal const ulong TUNSETIFF = 0x400454ca;
    internal const ulong SIOCGIFFLAGS = 0x8913;
    internal const ulong SIOCSIFFLAGS = 0x8914;
    internal const short IFF_UP = 0x1;
    internal const short IFF_TAP = 0x0002;
    internal const short IFF_NO_PI = 0x1000;
    internal const int AF_INET = 2;
    internal const int SOCK_DGRAM = 2;

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    internal static unsafe partial int Ioctl(int fd, ulong request, void* argument);
}
