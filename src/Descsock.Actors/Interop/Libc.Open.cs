using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    internal const int O_RDWR = 2;
    internal const int O_CREAT = 0x40;
    internal const int O_CLOEXEC = 0x80000;
    internal const int O_NONBLOCK = 0x800;

    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode);
}
