using System.Diagnostics;
using Akka.Actor;
namespace Descsock.Agent.Internal;

/// <summary>
/// Runs the <see cref="ForwardingPlane"/> on the pinned SEP dispatcher: each Pump message is a
/// slice of rounds (about a millisecond, or until the plane slept once and then ran out of work:
/// the frames that woke it are forwarded before the mailbox's turn, not after), then it re-sends
/// itself, so attach/detach messages are seen between slices. Restart semantics: the plane
/// object belongs to the listener and survives a restart of this actor, which just resumes it.
/// </summary>
internal sealed class PlaneActor : ReceiveActor
{
    private sealed class Pump
    {
        public static readonly Pump Instance = new();
    }

    /// <summary>
    /// The longest sleep on the doorbells: a safety net only, since every doorbell, TAP fd and
    /// message to this actor (<see cref="PlaneHandle"/>) ends it. Long, so an idle agent stays asleep.
    /// </summary>
    public const int IdleSleepMs = 2000;

    private static readonly long SliceTicks = Stopwatch.Frequency / 1000;
    private readonly ForwardingPlane _plane;
    private readonly Dictionary<AgentPort, IActorRef> _sessions = new();

    public PlaneActor(ForwardingPlane plane)
    {
        _plane = plane;
        Receive<Agent.AttachPort>(m =>
        {
            _sessions[m.Port] = m.Session;
            _plane.Attach(m.Port);
        });
        Receive<Agent.DetachPort>(m =>
        {
            var session = Sender;
            _sessions.Remove(m.Port);
            _plane.Detach(m.Port, () => session.Tell(Agent.PortDetached.Instance));
        });
        Receive<Pump>(_ => RunSlice());
    }

    protected override void PreStart() => Self.Tell(Pump.Instance);

    private void RunSlice()
    {
        long end = Stopwatch.GetTimestamp() + SliceTicks;
        bool slept = false;
        for (int round = 0; ; round++)
        {
            if (_plane.DoWork() > 0) _plane.Worked();
            else if (slept) break; // woke, did what woke us, idle again: give the mailbox a turn
            else slept = _plane.Idle(IdleSleepMs);
            if ((round & 63) == 63 && Stopwatch.GetTimestamp() > end) break;
        }
        while (_plane.Offenders.TryDequeue(out var port))
            if (_sessions.Remove(port, out var session)) session.Tell(new Agent.PortExpelled(port.LastViolation));
        Self.Tell(Pump.Instance);
    }
}
