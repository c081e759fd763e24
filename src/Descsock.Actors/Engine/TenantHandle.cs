using Akka.Actor;
using Descsock.Client;
namespace Descsock.Engine;

/// <summary>An open tenant: its data-path endpoint and the supervisor actor that owns the connection.</summary>
/// <param name="Endpoint">Send, receive and poll go here.</param>
/// <param name="Supervisor">The actor owning the control connection, region and rings.</param>
/// <param name="AgentName">The name the agent gave in HELLO.</param>
public sealed record TenantHandle(TenantEndpoint Endpoint, IActorRef Supervisor, string AgentName)
{
    /// <summary>Asks the supervisor to disconnect and release everything, and waits for it.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        Diagnostics.DescsockMetrics.Unregister(Endpoint);
        try
        {
            await Supervisor.Ask<TenantSupervisor.Closed>(TenantSupervisor.Close.Instance, timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            Endpoint.MarkClosed();
        }
    }
}
