using Akka.Actor;
using Akka.Event;
using Descsock.Client;
using Descsock.Interop;
namespace Descsock.Examples.ActorTenant;

/// <summary>
/// A tenant written as an actor: subscribes to the client actor, sends <c>batches</c> batches of
/// <c>batchSize</c> numbered frames (one message per batch, never per frame), counts the frames
/// an echo service returns, and calls <c>done</c> when all came back. Back-pressure is part of
/// the protocol: when the ring is full the client actor queues what fits and answers
/// EWOULDBLOCK, and the rest is offered again a moment later — nothing is dropped.
/// </summary>
public sealed class BatchPingActor : ReceiveActor, IWithTimers
{
    private sealed class Retry
    {
        public static readonly Retry Instance = new();
    }

    private readonly IActorRef _client;
    private readonly int _batches, _batchSize;
    private readonly Action<long>? _done;
    private ReadOnlyMemory<byte>[] _batch = [];
    private int _next;        // first frame of _batch not yet queued
    private int _sentBatches;
    private long _received;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the actor over the client actor <paramref name="client"/>.</summary>
    public BatchPingActor(IActorRef client, int batches, int batchSize, Action<long>? done)
    {
        (_client, _batches, _batchSize, _done) = (client, batches, batchSize, done);
        Receive<TenantClient.Received>(m =>
        {
            _received += m.Frames.Count;
            if (_received == (long)_batches * _batchSize)
            {
                Context.GetLogger().Info("all {0} frames came back", _received);
                _done?.Invoke(_received);
            }
        });
        Receive<TenantClient.SendResult>(OnSent);
        Receive<Retry>(_ => OfferRest());
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _client.Tell(new TenantClient.Subscribe(Self));
        NextBatch();
    }

    private void OnSent(TenantClient.SendResult r)
    {
        _next += r.Sent;
        if (_next < _batch.Length)
        {
            if (r.Errno == Errno.EWOULDBLOCK || r.Errno == Errno.ENOTCONN) // ring full, or re-registering: offer the rest again soon
                Timers.StartSingleTimer(Retry.Instance, Retry.Instance, TimeSpan.FromMilliseconds(1));
            else
                Context.GetLogger().Error("sending stopped after {0} frames: errno {1}", _next, r.Errno);
            return;
        }
        if (++_sentBatches < _batches) NextBatch();
    }

    /// <summary>One batch in flight at a time: the next goes when the client actor has queued all of this one.</summary>
    private void NextBatch()
    {
        _batch = new ReadOnlyMemory<byte>[_batchSize];
        for (int i = 0; i < _batchSize; i++)
        {
            var f = new byte[64];
            f.AsSpan(0, 12).Fill(0x02); // locally administered unicast MACs
            BitConverter.TryWriteBytes(f.AsSpan(14), (long)_sentBatches * _batchSize + i);
            _batch[i] = f;
        }
        _next = 0;
        OfferRest();
    }

    private void OfferRest() => _client.Tell(new TenantClient.Send(FrameBatch.From(_batch[_next..])));
}
