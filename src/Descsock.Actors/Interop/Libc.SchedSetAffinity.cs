using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    /// <summary>Pins thread <paramref name="tid"/> (0: the caller) to the CPUs set in <paramref name="mask"/>.</summary>
    [LibraryImport(Name, EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static unsafe partial int SchedSetAffinity(int tid, nuint maskSize, ulong* mask);
}
