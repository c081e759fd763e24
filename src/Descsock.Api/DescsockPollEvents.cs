namespace Descsock;

/// <summary>The seed's DESCSOCK_POLL* bits, for <c>Poll</c> and <c>Wait</c>.</summary>
[Flags]
public enum DescsockPollEvents
{
    /// <summary>No event.</summary>
    None = 0,
    /// <summary>DESCSOCK_POLLIN: there is a frame to receive.</summary>
    In = 1 << 0,
    /// <summary>DESCSOCK_POLLOUT: sending a frame now would not block.</summary>
    Out = 1 << 1,
    /// <summary>DESCSOCK_POLLERR: error condition (closed, disconnected); returned only.</summary>
    Err = 1 << 31,
}
