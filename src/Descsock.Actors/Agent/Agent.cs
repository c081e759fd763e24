using Akka.Actor;
using Descsock.Agent.Internal;
namespace Descsock.Agent;

/// <summary>
/// Protocol of the software DMA agent: a listener actor that accepts tenants, a supervised
/// session actor per tenant (handshake, validation, cleanup) and a plane actor that moves the
/// frames on its own pinned thread. See each actor for its restart semantics.
/// </summary>
public static class Agent
{
    /// <summary>Props for the agent's root: it binds the master socket in PreStart.</summary>
    public static Props Props(AgentSettings settings) => Akka.Actor.Props.Create(() => new AgentListenerActor(settings));

    /// <summary>Asks for a snapshot of the counters; answered with <see cref="Stats"/>.</summary>
    public sealed class GetStats
    {
        /// <summary>The instance.</summary>
        public static readonly GetStats Instance = new();
        private GetStats() { }
    }

    /// <summary>Counters per service id, and which ids are in use.</summary>
    public sealed record Stats(IReadOnlyDictionary<uint, ServiceStats> Services);

    /// <summary>One service's counters.</summary>
    public sealed record ServiceStats(uint SvcId, ServiceMode Mode, bool InUse, long FramesIn, long BytesIn, long FramesOut, long BytesOut,
        long DropsInvalid, long DropsNoRoom, long DropsSink);

    /// <summary>Session → plane actor: start forwarding this port.</summary>
    internal sealed record AttachPort(AgentPort Port, IActorRef Session);

    /// <summary>Session → plane actor: stop forwarding; answered with <see cref="PortDetached"/> once no round touches it.</summary>
    internal sealed record DetachPort(AgentPort Port);

    /// <summary>Plane → session: the port is out of every round; its memory may be unmapped.</summary>
    internal sealed class PortDetached
    {
        public static readonly PortDetached Instance = new();
    }

    /// <summary>Plane → session: the tenant broke the ring protocol too often and was taken off the plane.</summary>
    internal sealed record PortExpelled(string Reason);
}
