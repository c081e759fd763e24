using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "listen", SetLastError = true)]
    internal static partial int Listen(int fd, int backlog);
}
