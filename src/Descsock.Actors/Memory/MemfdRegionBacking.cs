using Descsock.Interop;
using Descsock.Native;
namespace Descsock.Memory;

/// <summary>
/// An anonymous memfd region sealed the way every memif implementation does it
/// (notes §2.1): created with MFD_ALLOW_SEALING, sealed against shrinking, then sized, then
/// sealed against growing too. A peer mapping it can never be hit by SIGBUS through truncation.
/// </summary>
public sealed class MemfdRegionBacking : IRegionBacking
{
    private MemfdRegionBacking(FileDescriptor fd, long size, string name)
    {
        Descriptor = fd;
        Size = size;
        Description = $"memfd:{name}";
    }

    /// <inheritdoc />
    public FileDescriptor Descriptor { get; }

    /// <inheritdoc />
    public long Size { get; }

    /// <inheritdoc />
    public bool IsSealed => true;

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Creates a sealed memfd of at least <paramref name="minimumSize"/> bytes (page-rounded).</summary>
    public static MemfdRegionBacking Create(string name, long minimumSize)
    {
        var fd = FileDescriptor.FromResult(Libc.MemfdCreate(name, Libc.MFD_ALLOW_SEALING | Libc.MFD_CLOEXEC), "memfd_create");
        try
        {
            long size = PathRegionBacking.RoundUp(minimumSize, Environment.SystemPageSize);
            if (Libc.Fcntl(fd.Value, Libc.F_ADD_SEALS, Libc.F_SEAL_SHRINK) != 0)
                throw DescsockException.FromLastError("F_ADD_SEALS(F_SEAL_SHRINK)");
            if (Libc.FTruncate(fd.Value, size) != 0)
                throw DescsockException.FromLastError($"ftruncate memfd to {size}");
            if (Libc.Fcntl(fd.Value, Libc.F_ADD_SEALS, Libc.F_SEAL_GROW) != 0)
                throw DescsockException.FromLastError("F_ADD_SEALS(F_SEAL_GROW)");
            return new MemfdRegionBacking(fd, size, name);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Descriptor.Dispose();
}
