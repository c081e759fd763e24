namespace Descsock.Interop;

/// <summary>
/// Our own, audited P/Invoke surface over glibc. One native function per file
/// (<c>Libc.Socket.cs</c>, <c>Libc.SendMsg.cs</c>, ...), all through <c>LibraryImport</c> with
/// <c>SetLastError</c> so errno reaches the caller. Constants are the x86-64 Linux values.
/// File descriptors cross this boundary as plain <see cref="int"/>; lifetime is owned by
/// <see cref="Native.FileDescriptor"/> and the types that hold one.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";
}
