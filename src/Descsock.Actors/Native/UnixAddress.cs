using System.Text;
namespace Descsock.Native;

/// <summary>
/// Encodes a <c>sockaddr_un</c>. A name starting with <c>@</c> (libmemif's and VPP's spelling)
/// or NUL is an abstract name: NUL, then the name, with the exact length and no terminator,
/// which is what DPDK 22.11 binds by default. Anything else is a filesystem path.
/// </summary>
public static class UnixAddress
{
    private const int MaxPath = 108;

    /// <summary>True when <paramref name="name"/> names the abstract namespace.</summary>
    public static bool IsAbstract(string name) => name.Length > 0 && (name[0] == '@' || name[0] == '\0');

    /// <summary>Writes the address into <paramref name="buffer"/> (at least 110 bytes); returns its length.</summary>
    public static int Encode(string name, Span<byte> buffer)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        buffer[..(2 + MaxPath)].Clear();
        buffer[0] = 1; // AF_UNIX, little-endian u16
        bool isAbstract = IsAbstract(name);
        string body = isAbstract ? name[1..] : name;
        int bytes = Encoding.UTF8.GetByteCount(body);
        int room = isAbstract ? MaxPath - 1 : MaxPath - 1; // abstract: leading NUL; path: trailing NUL
        if (bytes > room)
            throw new DescsockException(Interop.Errno.EINVAL, $"socket name '{name}' is longer than {room} bytes");
        int start = isAbstract ? 3 : 2;
        Encoding.UTF8.GetBytes(body, buffer[start..]);
        return isAbstract ? 3 + bytes : 2 + bytes + 1;
    }
}
