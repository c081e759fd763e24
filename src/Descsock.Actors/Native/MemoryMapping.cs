using Descsock.Interop;
namespace Descsock.Native;

/// <summary>
/// A shared read-write mapping of a file descriptor, unmapped on dispose. Disposal must happen
/// only after every thread that touches the memory has stopped (security rule 11).
/// </summary>
public sealed unsafe class MemoryMapping : IDisposable
{
    private byte* _base;

    private MemoryMapping(byte* address, long length)
    {
        _base = address;
        Length = length;
    }

    /// <summary>The first byte of the mapping.</summary>
    public byte* Base => _base != null ? _base : throw new ObjectDisposedException(nameof(MemoryMapping));

    /// <summary>Mapped length in bytes.</summary>
    public long Length { get; }

    /// <summary>Maps exactly <paramref name="length"/> bytes of <paramref name="fd"/> at offset 0, shared.</summary>
    public static MemoryMapping Map(FileDescriptor fd, long length)
    {
        void* p = Libc.MMap(null, (nuint)length, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd.Value, 0);
        if ((nint)p == Libc.MAP_FAILED)
            throw DescsockException.FromLastError($"mmap of {length} bytes");
        return new MemoryMapping((byte*)p, length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_base == null) return;
        Libc.MUnmap(_base, (nuint)Length);
        _base = null;
    }
}
