using Descsock.Interop;
namespace Descsock.Native;

/// <summary>
/// A small epoll set: register fds with a token, wait with a timeout. Used by the SEP pump to
/// sleep on its doorbells when idle (design rule 6). Single-threaded use.
/// </summary>
public sealed unsafe class Epoll : IDisposable
{
    private readonly FileDescriptor _fd = FileDescriptor.FromResult(Libc.EpollCreate1(Libc.EPOLL_CLOEXEC), "epoll_create1");

    /// <summary>Watches <paramref name="fd"/> for readability, reporting <paramref name="token"/>.</summary>
    public void Add(FileDescriptor fd, ulong token)
    {
        var ev = new EpollEvent { Events = Libc.EPOLLIN, Data = token };
        if (Libc.EpollCtl(_fd.Value, Libc.EPOLL_CTL_ADD, fd.Value, &ev) != 0)
            throw DescsockException.FromLastError("epoll_ctl(ADD)");
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/>; returns the number of ready fds (0 on timeout or EINTR).</summary>
    public int Wait(int timeoutMs)
    {
        Span<ulong> tokens = stackalloc ulong[4];
        return Wait(timeoutMs, tokens);
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> and writes the tokens of the ready fds into
    /// <paramref name="tokens"/> (at most its length); returns how many (0 on timeout or EINTR).
    /// </summary>
    public int Wait(int timeoutMs, Span<ulong> tokens)
    {
        const int max = 64;
        EpollEvent* events = stackalloc EpollEvent[max];
        int n = Libc.EpollWait(_fd.Value, events, Math.Min(max, tokens.Length), timeoutMs);
        for (int i = 0; i < n; i++) tokens[i] = events[i].Data;
        return n < 0 ? 0 : n;
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
