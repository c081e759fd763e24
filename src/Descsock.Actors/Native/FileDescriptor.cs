using Descsock.Interop;
using Microsoft.Win32.SafeHandles;
namespace Descsock.Native;

/// <summary>
/// Owns one Linux file descriptor and closes it exactly once. Thread-safety: disposal must not
/// race with users of <see cref="Value"/>; owners stop their pollers first (design rule 11).
/// </summary>
public sealed class FileDescriptor : SafeHandleMinusOneIsInvalid
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public FileDescriptor(int fd) : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The raw descriptor number, for native calls.</summary>
    public int Value => (int)handle;

    /// <summary>Wraps the result of a native call that returns an fd, throwing errno on -1.</summary>
    internal static FileDescriptor FromResult(int fd, string what) =>
        fd >= 0 ? new FileDescriptor(fd) : throw DescsockException.FromLastError(what);

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
