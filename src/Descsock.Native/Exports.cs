using System.Runtime.InteropServices;
using Descsock.Interop;
namespace Descsock.CApi;

/// <summary>
/// The entry points libdescsock.so calls, one per C function of <c>include/descsock.h</c>. Each
/// returns a non-negative result or -errno (the shim then sets errno and returns -1). No exception
/// crosses into C: a <see cref="DescsockException"/> becomes its errno, anything else EIO with the
/// exception on stderr (a bug). With DESCSOCK_DEBUG=1 every failure's reason goes to stderr too,
/// since errno alone cannot carry the agent's words.
/// Thread-safety: any thread may call any entry point, as the .NET API allows.
/// </summary>
internal static unsafe class Exports
{
    /// <summary>DESCSOCK_NONBLOCK: the same bit as <see cref="DescsockFlags.NonBlock"/>.</summary>
    private const int NonBlock = 1 << 0;

    private static readonly bool Debug = Environment.GetEnvironmentVariable("DESCSOCK_DEBUG") is { Length: > 0 } and not "0";

    /// <summary><c>descsock_open</c>: 0 or -errno.</summary>
    [UnmanagedCallersOnly]
    public static int Open(ClientSpec* spec, int flags)
    {
        try
        {
            if (spec == null) throw new DescsockException(Errno.EFAULT, "descsock_open: spec is NULL");
            ProcessConnection.Open(ClientSpec.ToManaged(spec), Flags(flags));
            return 0;
        }
        catch (Exception e) { return Fail(e); }
    }

    /// <summary><c>descsock_poll</c>: 0 with the events in <paramref name="events"/>, or -errno.</summary>
    [UnmanagedCallersOnly]
    public static int Poll(int mask, int* events)
    {
        try
        {
            // The mask goes back through an out parameter: DESCSOCK_POLLERR is bit 31, negative as a return.
            *events = (int)ProcessConnection.Current.Poll((DescsockPollEvents)mask);
            return 0;
        }
        catch (Exception e) { return Fail(e); }
    }

    /// <summary><c>descsock_send</c>: bytes sent, or -errno.</summary>
    [UnmanagedCallersOnly]
    public static int Send(byte* buffer, nuint length, int flags)
    {
        try
        {
            var socket = ProcessConnection.Current;
            if (buffer == null && length != 0) throw new DescsockException(Errno.EFAULT, "descsock_send: buf is NULL");
            if (length > int.MaxValue) throw new DescsockException(Errno.EMSGSIZE, $"descsock_send: {length} bytes exceed the maximum frame of {socket.MaxFrameLength}");
            return socket.Send(new ReadOnlySpan<byte>(buffer, (int)length), Flags(flags));
        }
        catch (Exception e) { return Fail(e); }
    }

    /// <summary><c>descsock_recv</c>: bytes received, or -errno.</summary>
    [UnmanagedCallersOnly]
    public static int Recv(byte* buffer, nuint length, int flags)
    {
        try
        {
            var socket = ProcessConnection.Current;
            if (buffer == null && length != 0) throw new DescsockException(Errno.EFAULT, "descsock_recv: buf is NULL");
            // No frame comes near 2 GiB: a larger buffer is simply used in part.
            return socket.Recv(new Span<byte>(buffer, (int)Math.Min(length, int.MaxValue)), Flags(flags));
        }
        catch (Exception e) { return Fail(e); }
    }

    /// <summary><c>descsock_cntl</c>: 0 or -errno (EINVAL for every command: the seed defines none).</summary>
    [UnmanagedCallersOnly]
    public static int Cntl(int command)
    {
        try { return ProcessConnection.Current.Cntl(command); }
        catch (Exception e) { return Fail(e); }
    }

    /// <summary><c>descsock_close</c>: 0 or -errno.</summary>
    [UnmanagedCallersOnly]
    public static int Close()
    {
        try
        {
            ProcessConnection.Close();
            return 0;
        }
        catch (Exception e) { return Fail(e); }
    }

    /// <summary>C flags to .NET flags; EINVAL for bits the C API does not define.</summary>
    private static DescsockFlags Flags(int flags)
    {
        if ((flags & ~NonBlock) != 0) throw new DescsockException(Errno.EINVAL, $"flags 0x{flags:x}: only DESCSOCK_NONBLOCK is defined");
        return (flags & NonBlock) != 0 ? DescsockFlags.NonBlock : DescsockFlags.None;
    }

    private static int Fail(Exception e)
    {
        if (e is DescsockException d)
        {
            if (Debug) Console.Error.WriteLine($"descsock: {d.Message}");
            return -d.Errno;
        }
        Console.Error.WriteLine($"descsock: internal error: {e}");
        return -Errno.EIO;
    }
}
