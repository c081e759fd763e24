using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    internal const int F_GETFL = 3;
    internal const int F_SETFL = 4;
    internal const int F_ADD_SEALS = 1033;
    internal const int F_GET_SEALS = 1034;
    internal const int F_SEAL_SEAL = 1;
    internal const int F_SEAL_SHRINK = 2;
    internal const int F_SEAL_GROW = 4;

    [LibraryImport(Name, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);
}
