using System.Runtime.InteropServices;
using Descsock.Interop;
namespace Descsock.Tests.Wire;

/// <summary>
/// One page of memory that can be made read-only: a store into it then kills the process
/// (SIGSEGV), which is how a test shows that code stores nothing. For tests only.
/// </summary>
internal sealed unsafe class ReadOnlyPage : IDisposable
{
    private const int PageSize = 4096;

    /// <summary>A readable, writable, page-aligned page.</summary>
    public byte* Base { get; } = (byte*)NativeMemory.AlignedAlloc(PageSize, PageSize);

    /// <summary>From now on a store into the page is fatal.</summary>
    public void Seal() => Protect(Libc.PROT_READ);

    /// <inheritdoc />
    public void Dispose()
    {
        Protect(Libc.PROT_READ | Libc.PROT_WRITE); // the allocator writes its bookkeeping when freeing
        NativeMemory.AlignedFree(Base);
    }

    private void Protect(int protection)
    {
        if (Libc.MProtect(Base, PageSize, protection) != 0) throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
