namespace Descsock;

/// <summary>Flags for <c>Open</c> (defaults) and for each <c>Send</c>/<c>Recv</c> (overrides).</summary>
[Flags]
public enum DescsockFlags
{
    /// <summary>Blocking: Send waits for room, Recv waits for a frame.</summary>
    None = 0,
    /// <summary>DESCSOCK_NONBLOCK: fail with EWOULDBLOCK instead of waiting.</summary>
    NonBlock = 1 << 0,
    /// <summary>Per-call override: block even though the socket was opened non-blocking.</summary>
    Block = 1 << 1,
}
