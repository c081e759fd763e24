using Akka.Actor;
using Descsock.Client.Internal;
namespace Descsock.Client;

/// <summary>
/// Protocol of the SEP actor: the actor that drives one endpoint's rings (ring pair 0, QoS 0)
/// on its own pinned thread. See <see cref="SepActor"/> for its restart semantics.
/// </summary>
public static class Sep
{
    /// <summary>The HOCON id of the pinned dispatcher SEP actors run on.</summary>
    public const string DispatcherId = "descsock.sep-dispatcher";

    /// <summary>Props for a SEP actor over <paramref name="resources"/>, on the pinned dispatcher.</summary>
    public static Props Props(TenantResources resources, TenantEndpoint endpoint) =>
        Akka.Actor.Props.Create(() => new SepActor(resources, endpoint)).WithDispatcher(DispatcherId);

    /// <summary>Self-message: run one slice of the duty cycle (one per slice, never per frame).</summary>
    public sealed class Pump
    {
        /// <summary>The instance.</summary>
        public static readonly Pump Instance = new();
        private Pump() { }
    }

    /// <summary>
    /// Asks the SEP actor which thread it runs on; answered with <see cref="ThreadReport"/>. An idle
    /// worker answers when it next wakes: allow <see cref="SepPump.MaxSleepMilliseconds"/>.
    /// </summary>
    public sealed class WhereAreYou
    {
        /// <summary>The instance.</summary>
        public static readonly WhereAreYou Instance = new();
        private WhereAreYou() { }
    }

    /// <summary>Where the SEP actor ran when asked.</summary>
    public sealed record ThreadReport(int ManagedThreadId, string? ThreadName, bool IsThreadPoolThread, string Dispatcher, long PumpSleeps);

    /// <summary>
    /// Fault injection: the SEP actor throws <see cref="InvalidOperationException"/> with
    /// <paramref name="Reason"/> when it processes this, as if its pump had failed. Used to
    /// prove the supervision (restart, then re-registration when restarts run out).
    /// </summary>
    public sealed record Fail(string Reason);

    /// <summary>Told to the parent when the agent broke the ring protocol; the SEP stops pumping.</summary>
    public sealed record ProtocolViolation(string Reason);
}
