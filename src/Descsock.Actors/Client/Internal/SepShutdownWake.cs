using Akka.Actor;
namespace Descsock.Client.Internal;

/// <summary>
/// One per actor system: when the system begins to shut down (a CoordinatedShutdown task, before
/// actors are stopped), tells every running SEP pump to stop sleeping long, so the stop its actor
/// is about to receive is seen at once rather than at the end of an idle sleep of up to
/// <see cref="SepPump.MaxSleepMilliseconds"/>. Pumps join and leave as their actors start and stop;
/// a pump that has left is never woken (its wake fd may be closed by then).
/// </summary>
internal sealed class SepShutdownWake : IExtension
{
    private readonly object _gate = new();
    private readonly HashSet<SepPump> _pumps = new();
    private bool _stopping; // under _gate

    public SepShutdownWake(ActorSystem system)
    {
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "descsock-sep-stopping", () =>
        {
            lock (_gate)
            {
                _stopping = true;
                foreach (var pump in _pumps) pump.BeginStopping();
            }
            return Task.FromResult(Akka.Done.Instance);
        });
    }

    /// <summary>The instance of <paramref name="system"/>.</summary>
    public static SepShutdownWake Get(ActorSystem system) => system.WithExtension<SepShutdownWake, Provider>();

    /// <summary>A pump starts; one that starts during shutdown is told at once.</summary>
    public void Join(SepPump pump)
    {
        lock (_gate)
        {
            _pumps.Add(pump);
            if (_stopping) pump.BeginStopping();
        }
    }

    /// <summary>A pump stops; from now on it is not woken.</summary>
    public void Leave(SepPump pump)
    {
        lock (_gate) _pumps.Remove(pump);
    }

    private sealed class Provider : ExtensionIdProvider<SepShutdownWake>
    {
        public override SepShutdownWake CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
