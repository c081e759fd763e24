using Akka.Actor;
using Akka.Configuration;
using Descsock.Client;
namespace Descsock.Engine;

/// <summary>
/// The actor system that runs tenant supervisors. The plain API uses one shared engine per
/// process, started on first use; a host may supply its own <see cref="ActorSystem"/> (its HOCON
/// must then include <see cref="DefaultConfig"/> for the pinned dispatcher).
/// Thread-safety: all members are thread-safe.
/// </summary>
public sealed class DescsockEngine : IDisposable
{
    private static readonly Lazy<DescsockEngine> SharedEngine = new(() => new DescsockEngine(ActorSystem.Create("descsock", DefaultConfig)));
    private int _sequence;

    /// <summary>
    /// Our HOCON: the SEP actors' pinned dispatcher, quiet logging, and the
    /// <see cref="TimerQueueScheduler"/>, so that an idle process does not wake every 10 ms.
    /// A host that adds this config with lower priority than its own keeps any scheduler it sets.
    /// </summary>
    public static Config DefaultConfig { get; } = ConfigurationFactory.ParseString($$"""
        descsock.sep-dispatcher {
          type = PinnedDispatcher
          executor = "thread-pool-executor"
        }
        {{TimerQueueScheduler.Hocon}}
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
        }
        """);

    /// <summary>Wraps an existing actor system.</summary>
    public DescsockEngine(ActorSystem system) => System = system;

    /// <summary>The process-wide engine used by the plain API.</summary>
    public static DescsockEngine Shared => SharedEngine.Value;

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>
    /// Starts a supervisor for <paramref name="settings"/> and waits until it has registered with
    /// the agent. Throws <see cref="DescsockException"/> with the errno of the failure.
    /// </summary>
    public async Task<TenantHandle> OpenAsync(TenantSettings settings, CancellationToken cancellationToken = default)
    {
        var endpoint = new TenantEndpoint(new TenantLimits(settings.MaxWireFrame));
        var name = $"tenant-{settings.SvcId}-{Interlocked.Increment(ref _sequence)}";
        var supervisor = System.ActorOf(TenantSupervisor.Props(settings, endpoint), name);
        // Each handshake step has its own timeout; this bound only guards against a lost reply.
        var limit = settings.HandshakeTimeout * 6 + settings.IdNotFoundRetry + TimeSpan.FromSeconds(5);
        object reply = await supervisor.Ask<object>(TenantSupervisor.Connect.Instance, limit, cancellationToken).ConfigureAwait(false);
        switch (reply)
        {
            case TenantSupervisor.Connected c:
                Diagnostics.DescsockMetrics.Register(endpoint, settings.SvcId);
                return new TenantHandle(endpoint, supervisor, c.AgentName);
            case TenantSupervisor.Failed f:
                System.Stop(supervisor);
                throw new DescsockException(f.Errno, f.Reason);
            default:
                System.Stop(supervisor);
                throw new DescsockException(Interop.Errno.EIO, $"unexpected reply {reply}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}
