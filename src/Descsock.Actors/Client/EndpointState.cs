namespace Descsock.Client;

/// <summary>Where a tenant endpoint is in its life.</summary>
public enum EndpointState
{
    /// <summary>Handshake with the agent in progress.</summary>
    Connecting,
    /// <summary>Rings live: frames flow.</summary>
    Connected,
    /// <summary>
    /// The agent went away; the supervisor is re-registering (the errno and reason say why it
    /// was lost). Calls give ENOTCONN; blocking ones wait for the new registration.
    /// </summary>
    Reconnecting,
    /// <summary>The agent went away or refused us for good; see the endpoint's errno and reason.</summary>
    Disconnected,
    /// <summary>Closed by the application: every call gives EBADF.</summary>
    Closed,
}
