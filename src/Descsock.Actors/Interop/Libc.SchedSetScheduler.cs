using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    internal const int SchedFifo = 1;

    /// <summary>Sets thread <paramref name="tid"/>'s (0: the caller's) policy; <paramref name="priority"/> points at a <c>struct sched_param</c> (one int).</summary>
    [LibraryImport(Name, EntryPoint = "sched_setscheduler", SetLastError = true)]
    internal static unsafe partial int SchedSetScheduler(int tid, int policy, int* priority);
}
