using Akka.Actor;
using Akka.Hosting;
using Descsock.Client;
using Descsock.Engine;
namespace Descsock.Hosting;

/// <summary>Akka.Hosting integration for tenants and for the agent.</summary>
public static class DescsockHostingExtensions
{
    /// <summary>
    /// Registers one descsock tenant with the host's actor system: adds the engine's HOCON (the
    /// pinned SEP dispatcher), opens the connection while the actor system starts — so a refused
    /// registration fails the host's start with the errno — and registers the supervisor as
    /// <c>IRequiredActor&lt;DescsockSupervisor&gt;</c> and the client actor as
    /// <c>IRequiredActor&lt;DescsockClient&gt;</c>; <paramref name="opened"/>, if given, receives
    /// the socket for the plain API (Send/Recv). Stopping the host stops the actor system, whose
    /// supervisor releases the memory and the connection.
    /// </summary>
    public static AkkaConfigurationBuilder WithDescsock(this AkkaConfigurationBuilder builder, DescsockOptions options,
        Action<DescsockSocket>? opened = null)
    {
        var spec = options.ToSpec();
        builder.AddHocon(DescsockEngine.DefaultConfig, HoconAddMode.Append);
        builder.WithActors((system, registry) =>
        {
            // Startup is synchronous here by Akka.Hosting's design; registration takes milliseconds.
            var socket = DescsockSocket.OpenAsync(spec, engine: new DescsockEngine(system)).GetAwaiter().GetResult();
            registry.Register<DescsockSupervisor>(socket.Supervisor);
            registry.Register<DescsockClient>(socket.Supervisor.Ask<IActorRef>(TenantSupervisor.GetClient.Instance, TimeSpan.FromSeconds(5))
                .GetAwaiter().GetResult());
            opened?.Invoke(socket);
        });
        return builder;
    }

    /// <summary>
    /// Runs the software DMA agent in the host's actor system: the engine's HOCON and the agent's
    /// root actor (listener, sessions, forwarding plane), registered as
    /// <c>IRequiredActor&lt;DescsockAgent&gt;</c>. The agent binds its socket as it starts and
    /// removes it when the actor system stops.
    /// </summary>
    public static AkkaConfigurationBuilder WithDescsockAgent(this AkkaConfigurationBuilder builder, Agent.AgentSettings settings)
    {
        builder.AddHocon(DescsockEngine.DefaultConfig, HoconAddMode.Append);
        builder.WithActors((system, registry) => registry.Register<DescsockAgent>(system.ActorOf(Agent.Agent.Props(settings), "agent")));
        return builder;
    }
}
