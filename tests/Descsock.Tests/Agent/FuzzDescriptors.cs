using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Descsock.Interop;
using Descsock.Native;
using Descsock.Wire;
using G = Descsock.Tests.Agent.ControlFuzzGenerator;
namespace Descsock.Tests.Agent;

/// <summary>
/// Creates the file descriptors a fuzz case sends (<see cref="FuzzFd"/>) and closes every one of
/// them, and anything it made on the way (the other end of a pipe, the writable original of a
/// read-only region), on dispose: the test process keeps no fd of a finished case. What the
/// agent received is its own copy, which it must close itself. Thread-safety: one case, one thread.
/// </summary>
internal sealed unsafe partial class FuzzDescriptors(string regularFile, string directory) : IDisposable
{
    private const int O_RDONLY = 0, O_DIRECTORY = 0x10000, AF_INET = 2, SOCK_STREAM = 1, F_SEAL_WRITE = 8;
    private readonly List<FileDescriptor> _owned = [];

    /// <summary>A fresh descriptor of <paramref name="kind"/>, owned by this object.</summary>
    public FileDescriptor Create(FuzzFd kind) => kind switch
    {
        FuzzFd.Region => Memfd(seal: true, cookies: true, sealWrite: false),
        FuzzFd.WriteSealedRegion => Memfd(seal: true, cookies: true, sealWrite: true),
        FuzzFd.BadCookieRegion => Memfd(seal: true, cookies: false, sealWrite: false),
        FuzzFd.UnsealedMemfd => Memfd(seal: false, cookies: true, sealWrite: false),
        FuzzFd.ReadOnlyRegion => Own(Libc.Open($"/proc/self/fd/{Memfd(seal: true, cookies: true, sealWrite: false).Value}", O_RDONLY | Libc.O_CLOEXEC, 0), "open read-only"),
        FuzzFd.RegularFile => Own(Libc.Open(regularFile, Libc.O_RDWR | Libc.O_CLOEXEC, 0), "open regular file"),
        FuzzFd.EventFd => Own(Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC), "eventfd"),
        FuzzFd.Pipe => Pipe(),
        FuzzFd.Directory => Own(Libc.Open(directory, O_RDONLY | O_DIRECTORY | Libc.O_CLOEXEC, 0), "open directory"),
        FuzzFd.DevNull => Own(Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0), "open /dev/null"),
        FuzzFd.Socket => Own(Libc.Socket(AF_INET, SOCK_STREAM | Libc.SOCK_CLOEXEC, 0), "socket"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A memfd of the region size, with the ring cookies where the valid prefix puts its rings, sealed or not.</summary>
    private FileDescriptor Memfd(bool seal, bool cookies, bool sealWrite)
    {
        var fd = Own(Libc.MemfdCreate("descsock-fuzz", Libc.MFD_CLOEXEC | (seal ? Libc.MFD_ALLOW_SEALING : 0)), "memfd_create");
        Check(Libc.FTruncate(fd.Value, (long)G.RegionFileSize), "ftruncate");
        if (cookies)
        {
            using var map = MemoryMapping.Map(fd, (long)G.RegionFileSize); // unmapped before F_SEAL_WRITE, which refuses writable mappings
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(map.Base + G.S2MOffset, 4), RingLayout.Cookie);
            BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(map.Base + G.M2SOffset, 4), RingLayout.Cookie);
        }
        if (seal) Check(Libc.Fcntl(fd.Value, Libc.F_ADD_SEALS, Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | (sealWrite ? F_SEAL_WRITE : 0)), "F_ADD_SEALS");
        return fd;
    }

    private FileDescriptor Pipe()
    {
        int* ends = stackalloc int[2];
        Check(Pipe2(ends, Libc.O_CLOEXEC), "pipe2");
        var read = Own(ends[0], "pipe2");
        Own(ends[1], "pipe2");
        return read;
    }

    private FileDescriptor Own(int fd, string what)
    {
        Check(fd, what);
        var d = new FileDescriptor(fd);
        _owned.Add(d);
        return d;
    }

    private static void Check(int result, string what)
    {
        if (result < 0) throw new InvalidOperationException($"the test could not make its descriptor: {what}: errno {Errno.Last}");
    }

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(int* fds, int flags);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var fd in _owned) fd.Dispose();
        _owned.Clear();
    }
}
