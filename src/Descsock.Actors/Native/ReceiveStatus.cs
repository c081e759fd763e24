namespace Descsock.Native;

/// <summary>Outcome of one control-message receive.</summary>
public enum ReceiveStatus
{
    /// <summary>A whole message arrived.</summary>
    Message,
    /// <summary>Nothing arrived within the timeout.</summary>
    Timeout,
    /// <summary>The peer closed the connection (EOF or reset).</summary>
    Closed,
    /// <summary>The message was longer than the buffer (MSG_TRUNC); it was discarded.</summary>
    Truncated,
    /// <summary>More descriptors arrived than expected (MSG_CTRUNC, or more than one); all were closed.</summary>
    TooManyDescriptors,
}
