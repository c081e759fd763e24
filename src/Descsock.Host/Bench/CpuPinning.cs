using System.Runtime.InteropServices;
using Descsock.Interop;
namespace Descsock.Host.Bench;

/// <summary>
/// Pins every thread of this process to one CPU, so the in-process C# tenant (its application
/// thread, SEP worker, GC and Akka threads) runs on the tenant's core only. Threads started later
/// inherit the mask from the thread that starts them.
/// </summary>
internal static class CpuPinning
{
    /// <summary>Pins all current threads of this process to <paramref name="cpu"/>; throws with the errno when the kernel refuses.</summary>
    public static unsafe void PinProcess(int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, 1024);
        Span<ulong> mask = stackalloc ulong[16]; // 1024 CPUs, Linux's CPU_SETSIZE
        mask.Clear();
        mask[cpu / 64] = 1UL << (cpu % 64);
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(task), out int tid)) continue;
            fixed (ulong* m = mask)
                if (Libc.SchedSetAffinity(tid, (nuint)(mask.Length * sizeof(ulong)), m) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.ESRCH) continue; // the thread ended meanwhile
                    throw new DescsockException(errno, $"cannot pin thread {tid} to CPU {cpu}");
                }
        }
    }
}
