using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    internal const int ClockMonotonic = 1;
    internal const int TimerAbsTime = 1;

    /// <summary>A <c>struct timespec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>Sleeps until <paramref name="request"/> on <paramref name="clock"/> (with <see cref="TimerAbsTime"/>); returns 0 or the errno itself (not through errno).</summary>
    [LibraryImport(Name, EntryPoint = "clock_nanosleep")]
    internal static unsafe partial int ClockNanosleep(int clock, int flags, TimeSpec* request, TimeSpec* remaining);
}
