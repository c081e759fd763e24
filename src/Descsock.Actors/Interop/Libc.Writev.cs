using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "writev", SetLastError = true)]
    internal static unsafe partial nint Writev(int fd, IoVec* vectors, int count);
}
