using System.Runtime.InteropServices;
namespace Descsock.Interop;

internal static partial class Libc
{
    /// <summary><c>HUGETLBFS_MAGIC</c>: the f_type of a hugetlbfs mount.</summary>
    internal const long HugetlbfsMagic = 0x958458f6;

    /// <summary><c>statfs(path)</c>; we read f_type (offset 0) and f_bsize (offset 8, the page size on hugetlbfs).</summary>
    [LibraryImport(Name, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int StatFs(string path, long* buffer120);
}
