using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "mprotect", SetLastError = true)]
    internal static unsafe partial int MProtect(void* address, nuint length, int protection);
}
