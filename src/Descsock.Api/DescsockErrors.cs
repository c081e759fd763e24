using Descsock.Interop;
namespace Descsock;

/// <summary>The errno values the API reports; the README's error table explains each.</summary>
public static class DescsockErrors
{
    /// <summary>No socket file at the master socket path.</summary>
    public const int ENOENT = Errno.ENOENT;
    /// <summary>Nobody listening, or the agent refused the service id.</summary>
    public const int ECONNREFUSED = Errno.ECONNREFUSED;
    /// <summary>Bad spec, or a frame shorter than an Ethernet header plus CRC.</summary>
    public const int EINVAL = Errno.EINVAL;
    /// <summary>Frame too large, or receive buffer too small (the frame stays queued).</summary>
    public const int EMSGSIZE = Errno.EMSGSIZE;
    /// <summary>Non-blocking and nothing to receive / no room to send.</summary>
    public const int EWOULDBLOCK = Errno.EWOULDBLOCK;
    /// <summary>The socket was closed.</summary>
    public const int EBADF = Errno.EBADF;
    /// <summary>The agent refused our secret.</summary>
    public const int EACCES = Errno.EACCES;
    /// <summary>The service id is already in use by another tenant.</summary>
    public const int EADDRINUSE = Errno.EADDRINUSE;
    /// <summary>The agent went away after the connection was established.</summary>
    public const int ECONNRESET = Errno.ECONNRESET;
    /// <summary>A blocking call's timeout expired.</summary>
    public const int ETIMEDOUT = Errno.ETIMEDOUT;
    /// <summary>The agent broke the memif protocol.</summary>
    public const int EPROTO = Errno.EPROTO;
}
