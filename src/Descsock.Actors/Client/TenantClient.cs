using Akka.Actor;
using Descsock.Client.Internal;
namespace Descsock.Client;

/// <summary>
/// Protocol of the client actor: send and receive for actor-based users, in batches. A child of
/// the tenant supervisor (<see cref="TenantSupervisor.GetClient"/>); it holds no resources, so
/// a restart loses nothing but its subscriber list's in-flight wait.
/// </summary>
public static class TenantClient
{
    /// <summary>Props for a client actor over <paramref name="endpoint"/>.</summary>
    public static Props Props(TenantEndpoint endpoint) => Akka.Actor.Props.Create(() => new TenantClientActor(endpoint));

    /// <summary>Send every frame of <paramref name="Frames"/> in order, without blocking; answered with <see cref="SendResult"/>.</summary>
    public sealed record Send(FrameBatch Frames);

    /// <summary>
    /// How many frames of the batch were queued, and the errno that stopped the rest (0 when all
    /// went). Frames after the first failure are not sent, so nothing is reordered.
    /// </summary>
    public sealed record SendResult(int Sent, int Errno);

    /// <summary>Deliver received frames to <paramref name="Subscriber"/> as <see cref="Received"/> batches of up to <paramref name="MaxBatch"/>.</summary>
    public sealed record Subscribe(IActorRef Subscriber, int MaxBatch = 64);

    /// <summary>Frames received, in arrival order.</summary>
    public sealed record Received(FrameBatch Frames);
}
