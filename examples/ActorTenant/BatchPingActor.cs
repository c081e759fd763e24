using Akka.Actor;
using Akka.Event;
using Descsock.Client;
using Descsock.Interop;
namespace Descsock.Examples.ActorTenant;

/// <summary>
/// A tenant written as an actor: subscribes to the client actor, sends <c>batches</c> batches of
/// <c>batchSize</c> numbered frames (one message per batch, never per frame), counts the frames
/// an echo service returns, and calls <c>done</c> when all came back. Two kinds of flow control
/// keep every frame:
/// <list type="bullet">
/// <item>back-pressure on send: when the ring is full the client actor queues what fits and
/// answers EWOULDBLOCK, and the rest is offered again a moment later;</item>
/// <item>a window on the way back: at most <c>window</c> frames are out unanswered. An echo
/// service, like a NIC, drops what finds no empty buffer posted, and a tenant posts one ring's
/// worth; a window under that (the default, 512, is half the default ring) means the echoes
/// always find room, however late this actor reads them.</item>
/// </list>
/// </summary>
public sealed class BatchPingActor : ReceiveActor, IWithTimers
{
    private sealed class Retry
    {
        public static readonly Retry Instance = new();
    }

    private readonly IActorRef _client;
    private readonly int _batches, _batchSize, _window;
    private readonly Action<long>? _done;
    private ReadOnlyMemory<byte>[] _batch = [];
    private int _next;        // first frame of _batch not yet queued
    private int _sentBatches;
    private long _received;
    private bool _waitingForWindow; // the next batch waits for echoes: it would put more than the window out

    /// <summary>Frames out unanswered at most, by default: half the default 1024-slot ring.</summary>
    public const int DefaultWindow = 512;

    /// <summary>Throws unless <paramref name="window"/> holds a batch: a smaller one would never let one go.</summary>
    public static void CheckWindow(int window, int batchSize)
    {
        if (window < batchSize) throw new ArgumentOutOfRangeException(nameof(window), window, $"Pinger:Window must hold a batch ({batchSize} frames)");
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the actor over the client actor <paramref name="client"/>.</summary>
    public BatchPingActor(IActorRef client, int batches, int batchSize, Action<long>? done, int window = DefaultWindow)
    {
        CheckWindow(window, batchSize);
        (_client, _batches, _batchSize, _window, _done) = (client, batches, batchSize, window, done);
        Receive<TenantClient.Received>(m =>
        {
            _received += m.Frames.Count;
            if (_received == (long)_batches * _batchSize)
            {
                Context.GetLogger().Info("all {0} frames came back", _received);
                _done?.Invoke(_received);
            }
            if (_waitingForWindow) NextBatchInWindow();
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
        if (++_sentBatches < _batches) NextBatchInWindow();
    }

    /// <summary>Sends the next batch if the window has room for it, or waits for the echoes that make room.</summary>
    private void NextBatchInWindow()
    {
        _waitingForWindow = (long)_sentBatches * _batchSize - _received + _batchSize > _window;
        if (!_waitingForWindow) NextBatch();
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
