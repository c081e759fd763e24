using Akka.Actor;
using Descsock.Client.Internal;
namespace Descsock.Client;

/// <summary>
/// Protocol of the tenant supervisor: the actor that owns one tenant's control connection to
/// the agent, performs the handshake, owns the region and rings, and supervises the SEP actor.
/// See <see cref="TenantSupervisorActor"/> for who unmaps and who re-registers.
/// </summary>
public static class TenantSupervisor
{
    /// <summary>Props for a supervisor registering <paramref name="settings"/> behind <paramref name="endpoint"/>.</summary>
    public static Props Props(TenantSettings settings, TenantEndpoint endpoint) =>
        Akka.Actor.Props.Create(() => new TenantSupervisorActor(settings, endpoint));

    /// <summary>Connect and register; answered with <see cref="Connected"/> or <see cref="Failed"/>.</summary>
    public sealed class Connect
    {
        /// <summary>The instance.</summary>
        public static readonly Connect Instance = new();
        private Connect() { }
    }

    /// <summary>Registration succeeded; frames may flow. <paramref name="AgentName"/> is the agent's HELLO name.</summary>
    public sealed record Connected(string AgentName);

    /// <summary>Registration failed with <paramref name="Errno"/>.</summary>
    public sealed record Failed(int Errno, string Reason);

    /// <summary>Disconnect from the agent and release everything; answered with <see cref="Closed"/>.</summary>
    public sealed class Close
    {
        /// <summary>The instance.</summary>
        public static readonly Close Instance = new();
        private Close() { }
    }

    /// <summary>Everything is released; the supervisor stops after sending this.</summary>
    public sealed class Closed
    {
        /// <summary>The instance.</summary>
        public static readonly Closed Instance = new();
        private Closed() { }
    }

    /// <summary>Asks who holds the control connection; answered with <see cref="ControlReport"/>.</summary>
    public sealed class WhoOwnsControl
    {
        /// <summary>The instance.</summary>
        public static readonly WhoOwnsControl Instance = new();
        private WhoOwnsControl() { }
    }

    /// <summary>The supervisor's control socket fd (-1 when none), its state and its SEP and client children.</summary>
    public sealed record ControlReport(int ControlFd, EndpointState State, IActorRef? Sep, IActorRef? Client);

    /// <summary>Asks for the client actor (send/receive as messages); answered with an <see cref="IActorRef"/> or <see cref="Failed"/>.</summary>
    public sealed class GetClient
    {
        /// <summary>The instance.</summary>
        public static readonly GetClient Instance = new();
        private GetClient() { }
    }

    /// <summary>Published on the event stream: registration was lost and attempt <paramref name="Attempt"/> comes after <paramref name="Delay"/>.</summary>
    public sealed record ReconnectScheduled(uint SvcId, int Attempt, TimeSpan Delay, int Errno, string Reason);

    /// <summary>Published on the event stream: re-registered after <paramref name="Attempts"/> failed attempts.</summary>
    public sealed record Reconnected(uint SvcId, int Attempts);

    /// <summary>Published on the event stream: re-registration ended for good (fatal refusal or attempts spent).</summary>
    public sealed record GaveUp(uint SvcId, int Errno, string Reason);

    /// <summary>Timer → supervisor: time for the next re-registration attempt.</summary>
    internal sealed class Retry
    {
        public static readonly Retry Instance = new();
        private Retry() { }
    }

    /// <summary>From the control reader: the agent disconnected us or the connection broke.</summary>
    internal sealed record ControlLost(int Errno, string Reason);

    /// <summary>From the control reader: it has returned and no longer touches the socket.</summary>
    internal sealed class ReaderStopped
    {
        public static readonly ReaderStopped Instance = new();
        private ReaderStopped() { }
    }
}
