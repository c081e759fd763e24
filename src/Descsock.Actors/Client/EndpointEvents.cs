namespace Descsock.Client;

/// <summary>Poll event bits, numerically the seed's DESCSOCK_POLLIN / POLLOUT / POLLERR.</summary>
public static class EndpointEvents
{
    /// <summary>A frame can be received.</summary>
    public const int In = 1 << 0;
    /// <summary>A frame can be sent without blocking.</summary>
    public const int Out = 1 << 1;
    /// <summary>Error condition (returned only).</summary>
    public const int Err = 1 << 31;
}
