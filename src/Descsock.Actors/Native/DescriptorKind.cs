using Descsock.Interop;
namespace Descsock.Native;

/// <summary>What a received fd really is (security rule 2): a region must be a regular file, a doorbell an eventfd.</summary>
public static unsafe class DescriptorKind
{
    /// <summary>fstat: true with its size and seals when <paramref name="fd"/> is a regular file (memfd, tmpfs, hugetlbfs).</summary>
    public static bool IsRegularFile(FileDescriptor fd, out long size, out int seals)
    {
        Stat st;
        size = 0;
        seals = 0;
        if (Libc.FStat(fd.Value, &st) != 0 || (st.Mode & Libc.S_IFMT) != Libc.S_IFREG) return false;
        size = st.Size;
        seals = Math.Max(0, Libc.Fcntl(fd.Value, Libc.F_GET_SEALS, 0)); // EINVAL for files that cannot seal: none
        return true;
    }

    /// <summary>True when <paramref name="fd"/> is an eventfd.</summary>
    public static bool IsEventFd(FileDescriptor fd) =>
        new FileInfo($"/proc/self/fd/{fd.Value}").LinkTarget == "anon_inode:[eventfd]";
}
