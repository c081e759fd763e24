using Descsock.Interop;
using Descsock.Native;
namespace Descsock.Memory;

/// <summary>
/// The seed's <c>dma_shmem_path</c>: a file the library creates (an existing one is zeroed by
/// truncating to 0, then sized), preferably on hugetlbfs, removed again on dispose. On hugetlbfs
/// the size is rounded up to the huge page size, which mmap requires there. Such a file cannot
/// be sealed: an agent that demands sealed regions must be given a memfd instead.
/// </summary>
public sealed unsafe class PathRegionBacking : IRegionBacking
{
    private readonly string _path;
    private int _disposed;

    private PathRegionBacking(string path, FileDescriptor fd, long size, bool onHugetlbfs)
    {
        _path = path;
        Descriptor = fd;
        Size = size;
        OnHugetlbfs = onHugetlbfs;
    }

    /// <inheritdoc />
    public FileDescriptor Descriptor { get; }

    /// <inheritdoc />
    public long Size { get; }

    /// <inheritdoc />
    public bool IsSealed => false;

    /// <summary>True when the file lives on a hugetlbfs mount.</summary>
    public bool OnHugetlbfs { get; }

    /// <inheritdoc />
    public string Description => OnHugetlbfs ? $"{_path} (hugetlbfs)" : _path;

    /// <summary>Creates or reuses <paramref name="path"/>, zeroed and sized to at least <paramref name="minimumSize"/>.</summary>
    public static PathRegionBacking Create(string path, long minimumSize)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is null || !Directory.Exists(dir))
            throw new DescsockException(Errno.ENOENT, $"dma_shmem_path '{path}': directory does not exist");
        var fd = FileDescriptor.FromResult(Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0x180 /* 0600 */),
            $"cannot create dma_shmem_path '{path}'");
        try
        {
            long pageSize = HugePageSize(dir);
            bool huge = pageSize > 0;
            long size = RoundUp(minimumSize, huge ? pageSize : Environment.SystemPageSize);
            // Truncate to 0 first so that an existing file's old contents are gone (zeroed).
            if (Libc.FTruncate(fd.Value, 0) != 0 || Libc.FTruncate(fd.Value, size) != 0)
                throw DescsockException.FromLastError($"cannot size dma_shmem_path '{path}' to {size} bytes");
            return new PathRegionBacking(path, fd, size, huge);
        }
        catch
        {
            fd.Dispose();
            Libc.Unlink(path);
            throw;
        }
    }

    /// <summary>The huge page size when <paramref name="directory"/> is on hugetlbfs, else 0.</summary>
    public static long HugePageSize(string directory)
    {
        long* buf = stackalloc long[16];
        if (Libc.StatFs(directory, buf) != 0) return 0;
        return buf[0] == Libc.HugetlbfsMagic ? buf[1] : 0;
    }

    internal static long RoundUp(long value, long unit) => (value + unit - 1) / unit * unit;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Descriptor.Dispose();
        Libc.Unlink(_path);
    }
}
