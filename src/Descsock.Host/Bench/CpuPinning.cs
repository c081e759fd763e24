using System.Runtime.InteropServices;
using Descsock.Interop;
namespace Descsock.Host.Bench;

/// <summary>
/// Pins every thread of this process to one CPU, so the in-process C# tenant (its application
/// thread, SEP worker, GC and Akka threads) runs on the tenant's core only. Threads started later
/// inherit the mask from the thread that starts them. <see cref="PinCurrentThread"/> moves one thread
/// elsewhere (the machine probes, <see cref="PinnedPair"/>).
/// </summary>
internal static class CpuPinning
{
    /// <summary>Pins all current threads of this process to <paramref name="cpu"/>; throws with the errno when the kernel refuses.</summary>
    public static void PinProcess(int cpu)
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(task), out int tid)) continue;
            int errno = Pin(tid, cpu);
            if (errno == Errno.ESRCH) continue; // the thread ended meanwhile
            if (errno != 0) throw new DescsockException(errno, $"cannot pin thread {tid} to CPU {cpu}");
        }
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>; throws with the errno when the kernel refuses.</summary>
    public static void PinCurrentThread(int cpu)
    {
        int errno = Pin(0, cpu);
        if (errno != 0) throw new DescsockException(errno, $"cannot pin this thread to CPU {cpu}");
    }

    /// <summary>Pins thread <paramref name="tid"/> (0: the calling one); returns 0 or the errno.</summary>
    private static unsafe int Pin(int tid, int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, 1024);
        Span<ulong> mask = stackalloc ulong[16]; // 1024 CPUs, Linux's CPU_SETSIZE
        mask.Clear();
        mask[cpu / 64] = 1UL << (cpu % 64);
        fixed (ulong* m = mask)
            return Libc.SchedSetAffinity(tid, (nuint)(mask.Length * sizeof(ulong)), m) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
