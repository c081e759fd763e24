using Akka.Actor;
namespace Descsock.Agent.Internal;

/// <summary>
/// How sessions reach the plane actor: a message to it also rings the plane's wake fd. The
/// plane's thread sleeps on the tenants' doorbells for up to <see cref="PlaneActor.IdleSleepMs"/>
/// and reads its mailbox only between slices, so an attach or detach told without the wake
/// would wait out the sleep (and a closing tenant with it).
/// Thread-safety: all members are thread-safe.
/// </summary>
internal sealed class PlaneHandle(IActorRef actor, ForwardingPlane plane)
{
    /// <summary>Tells the plane actor <paramref name="message"/> (the sender is the calling actor) and wakes its thread.</summary>
    public void Tell(object message)
    {
        actor.Tell(message);
        plane.Wake();
    }
}
