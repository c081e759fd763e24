using Akka.Actor;
using Descsock.Interop;
namespace Descsock.Client.Internal;

/// <summary>
/// Turns the endpoint's send and receive into messages. Receiving: waits asynchronously for
/// frames (no thread held), drains up to a batch into one buffer and delivers one message.
/// Restart semantics: owns no native resource (it talks to the endpoint, never to the rings or
/// the memory directly), so a restart loses only the subscriber, which re-subscribes; it lives
/// across the supervisor's re-registrations (waiting for the endpoint to reconnect meanwhile)
/// and is stopped by the supervisor on close or when re-registration gives up.
/// </summary>
internal sealed class TenantClientActor : ReceiveActor
{
    private sealed class FramesReady
    {
        public static readonly FramesReady Instance = new();
    }

    private readonly TenantEndpoint _endpoint;
    private readonly CancellationTokenSource _stop = new();
    private IActorRef? _subscriber;
    private int _maxBatch = 64;
    private bool _waiting;

    public TenantClientActor(TenantEndpoint endpoint)
    {
        _endpoint = endpoint;
        Receive<TenantClient.Send>(m => Sender.Tell(SendAll(m.Frames)));
        Receive<TenantClient.Subscribe>(m =>
        {
            _subscriber = m.Subscriber;
            _maxBatch = Math.Max(1, m.MaxBatch);
            Drain();
        });
        Receive<FramesReady>(_ => { _waiting = false; Drain(); });
    }

    private TenantClient.SendResult SendAll(FrameBatch frames)
    {
        for (int i = 0; i < frames.Count; i++)
        {
            int errno = _endpoint.TrySend(frames[i].Span);
            if (errno != 0) return new TenantClient.SendResult(i, errno);
        }
        return new TenantClient.SendResult(frames.Count, 0);
    }

    private void Drain()
    {
        if (_subscriber is null) return;
        var max = _endpoint.Limits.MaxFrame;
        var data = new byte[_maxBatch * Math.Min(max, 2048)];
        var offsets = new int[_maxBatch];
        var lengths = new int[_maxBatch];
        int count = 0, pos = 0;
        while (count < _maxBatch)
        {
            if (data.Length - pos < max) Array.Resize(ref data, Math.Max(data.Length * 2, pos + max));
            int errno = _endpoint.TryRecv(data.AsSpan(pos), out int length);
            if (errno != 0) break;
            offsets[count] = pos;
            lengths[count] = length;
            pos += length;
            count++;
        }
        if (count > 0) _subscriber.Tell(new TenantClient.Received(new FrameBatch(data, offsets, lengths, count)));
        if (count == _maxBatch) { Self.Tell(FramesReady.Instance); _waiting = true; return; }
        if (_waiting || _endpoint.State is not (EndpointState.Connected or EndpointState.Connecting or EndpointState.Reconnecting)) return;
        _waiting = true;
        if (_endpoint.State == EndpointState.Reconnecting) // Poll reports Err meanwhile: wait for the new rings instead
            _endpoint.WaitConnectedAsync(Timeout.InfiniteTimeSpan, _stop.Token).AsTask()
                .PipeTo(Self, success: _ => FramesReady.Instance, failure: _ => FramesReady.Instance);
        else
            _endpoint.WaitAsync(Client.EndpointEvents.In, Timeout.InfiniteTimeSpan, _stop.Token).AsTask()
                .PipeTo(Self, success: _ => FramesReady.Instance, failure: _ => FramesReady.Instance);
    }

    protected override void PostStop() => _stop.Cancel();
}
