using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    internal const uint S_IFMT = 0xF000;
    internal const uint S_IFREG = 0x8000;

    [LibraryImport(Name, EntryPoint = "fstat", SetLastError = true)]
    internal static unsafe partial int FStat(int fd, Stat* result);
}

/// <summary>
/// <c>struct stat</c> on x86-64 (144 bytes). Only the fields we read are named:
/// <code>
///  0 st_dev | 8 st_ino | 16 st_nlink | 24 st_mode (u32) | 28 st_uid | 32 st_gid | 36 pad
/// 40 st_rdev | 48 st_size (i64) | 56 st_blksize | 64 st_blocks | 72.. times, reserved
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct Stat
{
    [FieldOffset(24)] public uint Mode;
    [FieldOffset(28)] public uint Uid;
    [FieldOffset(32)] public uint Gid;
    [FieldOffset(48)] public long Size;
}
