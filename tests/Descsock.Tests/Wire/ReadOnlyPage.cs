using System.Runtime.InteropServices;
namespace Descsock.Tests.Wire;

/// <summary>
/// One anonymous page that can be made read-only: a store into it then kills the process
/// (SIGSEGV), which is how a test shows that code stores nothing. For tests only.
/// </summary>
internal sealed unsafe partial class ReadOnlyPage : IDisposable
{
    private const int PageSize = 4096;
    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    /// <summary>Maps a readable, writable page.</summary>
    public ReadOnlyPage()
    {
        Base = (byte*)MMap(null, PageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if ((nint)Base == -1) throw new InvalidOperationException($"mmap failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The page's first byte.</summary>
    public byte* Base { get; }

    /// <summary>From now on a store into the page is fatal.</summary>
    public void Seal()
    {
        if (MProtect(Base, PageSize, ProtRead) != 0) throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <inheritdoc />
    public void Dispose() => MUnmap(Base, PageSize);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int MProtect(void* address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int MUnmap(void* address, nuint length);
}
