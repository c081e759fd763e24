using Akka.Actor;
using Descsock.Client;
using Descsock.Engine;
using Descsock.Interop;
using Descsock.Wire;
namespace Descsock;

/// <summary>
/// One descsock tenant connection: the seed's <c>descsock_open/poll/send/recv/cntl/close</c> as
/// an object, plus non-throwing <c>Try*</c> and async forms shaped like System.Threading.Channels.
/// Frames handed to Send and returned by Recv are whole Ethernet frames followed by 4 CRC bytes
/// (the library strips and adds them; the wire carries none). Errors are errno values: thrown as
/// <see cref="DescsockException"/> by the seed-shaped calls, returned by the Try calls.
/// Thread-safety: every member may be called from any thread; several sockets may be open in one
/// process (different service ids or agents).
/// </summary>
public sealed class DescsockSocket : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);
    private readonly TenantHandle _handle;
    private readonly DescsockFlags _defaultFlags;
    private int _closed;

    private DescsockSocket(TenantHandle handle, DescsockFlags flags, DescsockClientSpec spec)
    {
        _handle = handle;
        _defaultFlags = flags;
        Spec = spec;
    }

    /// <summary>The spec this socket was opened with.</summary>
    public DescsockClientSpec Spec { get; }

    /// <summary>The name the agent announced in its HELLO.</summary>
    public string AgentName => _handle.AgentName;

    /// <summary>The largest frame Send accepts and Recv can return, CRC included.</summary>
    public int MaxFrameLength => _handle.Endpoint.Limits.MaxFrame;

    /// <summary>The supervisor actor that owns this connection (for actor-based users and diagnostics).</summary>
    public IActorRef Supervisor => _handle.Supervisor;

    /// <summary>The data-path endpoint and, through it, the rings (for tests that play a hostile tenant).</summary>
    internal TenantEndpoint Endpoint => _handle.Endpoint;

    /// <summary>Counters of what went through this socket.</summary>
    public DescsockStatistics Statistics => DescsockStatistics.From(_handle.Endpoint);

    /// <summary>
    /// <c>descsock_open</c>: connects to the agent, registers <see cref="DescsockClientSpec.SvcId"/>,
    /// creates the shared memory and starts the worker. <paramref name="flags"/> are the defaults
    /// for Send and Recv. Throws <see cref="DescsockException"/>: ENOENT / ECONNREFUSED (no agent),
    /// EINVAL (bad spec), EACCES (secret refused), EADDRINUSE (id in use), ETIMEDOUT.
    /// </summary>
    public static DescsockSocket Open(DescsockClientSpec spec, DescsockFlags flags = DescsockFlags.None) =>
        OpenAsync(spec, flags).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Open"/>; <paramref name="engine"/> defaults to the process-wide engine.</summary>
    public static async Task<DescsockSocket> OpenAsync(DescsockClientSpec spec, DescsockFlags flags = DescsockFlags.None,
        DescsockEngine? engine = null, CancellationToken cancellationToken = default)
    {
        var settings = SpecValidation.ToSettings(spec);
        var handle = await (engine ?? DescsockEngine.Shared).OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        return new DescsockSocket(handle, flags, spec);
    }

    /// <summary><c>descsock_poll</c>: the events of <paramref name="mask"/> that hold now (Err is always reported). Never blocks.</summary>
    public DescsockPollEvents Poll(DescsockPollEvents mask) => (DescsockPollEvents)_handle.Endpoint.Poll((int)mask);

    /// <summary>Blocks until an event of <paramref name="mask"/> holds, up to <paramref name="timeout"/>; returns them, or None on timeout.</summary>
    public DescsockPollEvents Wait(DescsockPollEvents mask, TimeSpan timeout) =>
        (DescsockPollEvents)_handle.Endpoint.Wait((int)mask, timeout);

    /// <summary>Asynchronous <see cref="Wait"/>.</summary>
    public async ValueTask<DescsockPollEvents> WaitAsync(DescsockPollEvents mask, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        (DescsockPollEvents)await _handle.Endpoint.WaitAsync((int)mask, timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <c>descsock_send</c>: queues one frame (Ethernet frame + 4 CRC bytes) and returns its length.
    /// Blocks for room unless non-blocking. Throws EWOULDBLOCK (non-blocking, ring full), EINVAL
    /// (shorter than 18 bytes), EMSGSIZE (longer than <see cref="MaxFrameLength"/>), ENOTCONN
    /// (re-registering: non-blocking, or still not back after <see cref="DescsockClientSpec.ReconnectWait"/>),
    /// ECONNRESET or a refusal's errno (agent gone for good), EBADF (closed). Nothing is queued when it throws.
    /// </summary>
    public int Send(ReadOnlySpan<byte> frame, DescsockFlags flags = DescsockFlags.None)
    {
        var endpoint = _handle.Endpoint;
        bool waited = false; // for re-registration, once: then the errno says why it is still not connected
        while (true)
        {
            int errno = endpoint.TrySend(frame);
            if (errno == 0) return frame.Length;
            if (errno == Errno.ENOTCONN && IsBlocking(flags) && !waited) { waited = true; endpoint.WaitConnected(Spec.ReconnectWait); continue; }
            if (errno != Errno.EWOULDBLOCK || !IsBlocking(flags)) throw new DescsockException(errno, SendFailure(errno, frame.Length));
            endpoint.Wait(EndpointEvents.Out, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// <c>descsock_recv</c>: copies the next frame (with 4 CRC bytes) into <paramref name="buffer"/>
    /// and returns its length. Blocks for a frame unless non-blocking. Throws EWOULDBLOCK
    /// (non-blocking, nothing queued), EMSGSIZE (buffer too small: the frame stays queued),
    /// ENOTCONN / ECONNRESET as <see cref="Send"/>, EBADF.
    /// </summary>
    public int Recv(Span<byte> buffer, DescsockFlags flags = DescsockFlags.None)
    {
        var endpoint = _handle.Endpoint;
        bool waited = false; // for re-registration, once: then the errno says why it is still not connected
        while (true)
        {
            int errno = endpoint.TryRecv(buffer, out int length);
            if (errno == 0) return length;
            if (errno == Errno.ENOTCONN && IsBlocking(flags) && !waited) { waited = true; endpoint.WaitConnected(Spec.ReconnectWait); continue; }
            if (errno != Errno.EWOULDBLOCK || !IsBlocking(flags)) throw new DescsockException(errno, RecvFailure(errno, buffer.Length, length));
            endpoint.Wait(EndpointEvents.In, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Non-throwing, non-blocking send: true when queued.</summary>
    public bool TrySend(ReadOnlySpan<byte> frame) => _handle.Endpoint.TrySend(frame) == 0;

    /// <summary>Non-throwing, non-blocking send: true when queued, else the errno (as <see cref="Send"/> lists).</summary>
    public bool TrySend(ReadOnlySpan<byte> frame, out int errno) => (errno = _handle.Endpoint.TrySend(frame)) == 0;

    /// <summary>
    /// Non-throwing, non-blocking burst send, like DPDK's <c>rte_eth_tx_burst</c>: queues the frames
    /// in order (each an Ethernet frame plus 4 CRC bytes) until one does not fit or is invalid, and
    /// returns how many were queued. The whole burst costs one ring index update and at most one
    /// doorbell, so it is the fastest way to send many frames.
    /// </summary>
    public int TrySendBurst(ReadOnlySpan<ReadOnlyMemory<byte>> frames) => _handle.Endpoint.TrySendBurst(frames, out _);

    /// <summary>
    /// As <see cref="TrySendBurst(ReadOnlySpan{ReadOnlyMemory{byte}})"/>; <paramref name="errno"/> is 0
    /// when every frame was queued, else why the first one left was not (EWOULDBLOCK, EINVAL,
    /// EMSGSIZE, ENOTCONN, ECONNRESET, EBADF, as <see cref="Send"/> lists them).
    /// </summary>
    public int TrySendBurst(ReadOnlySpan<ReadOnlyMemory<byte>> frames, out int errno) => _handle.Endpoint.TrySendBurst(frames, out errno);

    /// <summary>Non-throwing, non-blocking receive: true with the frame's length when one was copied.</summary>
    public bool TryRecv(Span<byte> buffer, out int length) => _handle.Endpoint.TryRecv(buffer, out length) == 0;

    /// <summary>Non-throwing, non-blocking receive, with the errno when false (on EMSGSIZE, <paramref name="length"/> is the size needed).</summary>
    public bool TryRecv(Span<byte> buffer, out int length, out int errno) => (errno = _handle.Endpoint.TryRecv(buffer, out length)) == 0;

    /// <summary>
    /// Non-throwing, non-blocking burst receive, like DPDK's <c>rte_eth_rx_burst</c>: copies the
    /// frames waiting, in order, into <paramref name="buffers"/> (each frame with 4 zero CRC bytes, as
    /// <see cref="Recv"/> gives it) and their lengths into <paramref name="lengths"/>, and returns how
    /// many, at most the shorter span's length. The whole burst takes the receive side once, so it is
    /// the fastest way to receive many frames. Build the buffer array once and reuse it: nothing is
    /// allocated per call.
    /// </summary>
    public int TryRecvBurst(ReadOnlySpan<Memory<byte>> buffers, Span<int> lengths) => _handle.Endpoint.TryRecvBurst(buffers, lengths, out _);

    /// <summary>
    /// As <see cref="TryRecvBurst(ReadOnlySpan{Memory{byte}}, Span{int})"/>; <paramref name="errno"/> is 0
    /// when every buffer was filled, else why the next frame was not received: EWOULDBLOCK (none
    /// waiting), EMSGSIZE (it does not fit its buffer: it stays queued and its <paramref name="lengths"/>
    /// entry is the size it needs), ENOTCONN, ECONNRESET, EBADF (as <see cref="Recv"/> lists them).
    /// </summary>
    public int TryRecvBurst(ReadOnlySpan<Memory<byte>> buffers, Span<int> lengths, out int errno) =>
        _handle.Endpoint.TryRecvBurst(buffers, lengths, out errno);

    /// <summary>
    /// Completes when a frame can be received (true) or the socket failed for good (false), like
    /// ChannelReader.WaitToReadAsync. While re-registering it keeps waiting (up to <see cref="DescsockClientSpec.ReconnectWait"/>).
    /// </summary>
    public ValueTask<bool> WaitToRecvAsync(CancellationToken cancellationToken = default) => WaitForAsync(EndpointEvents.In, cancellationToken);

    /// <summary>Completes when a frame can be sent (true) or the socket failed for good (false), like ChannelWriter.WaitToWriteAsync.</summary>
    public ValueTask<bool> WaitToSendAsync(CancellationToken cancellationToken = default) => WaitForAsync(EndpointEvents.Out, cancellationToken);

    private async ValueTask<bool> WaitForAsync(int events, CancellationToken cancellationToken)
    {
        var endpoint = _handle.Endpoint;
        while (true)
        {
            if ((await endpoint.WaitAsync(events, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false) & events) != 0) return true;
            if (endpoint.State != EndpointState.Reconnecting
                || !await endpoint.WaitConnectedAsync(Spec.ReconnectWait, cancellationToken).ConfigureAwait(false)) return false;
        }
    }

    /// <summary>Sends one frame, waiting asynchronously for room; returns its length. Errors as <see cref="Send"/>.</summary>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        bool waited = false;
        while (true)
        {
            int errno = _handle.Endpoint.TrySend(frame.Span);
            if (errno == 0) return frame.Length;
            if (errno == Errno.ENOTCONN && !waited)
            {
                waited = true; // once: then the errno says why it is still not connected
                await _handle.Endpoint.WaitConnectedAsync(Spec.ReconnectWait, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (errno != Errno.EWOULDBLOCK) throw new DescsockException(errno, SendFailure(errno, frame.Length));
            await _handle.Endpoint.WaitAsync(EndpointEvents.Out, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Receives one frame, waiting asynchronously; returns its length. Errors as <see cref="Recv"/>.</summary>
    public async ValueTask<int> RecvAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        bool waited = false;
        while (true)
        {
            int errno = _handle.Endpoint.TryRecv(buffer.Span, out int length);
            if (errno == 0) return length;
            if (errno == Errno.ENOTCONN && !waited)
            {
                waited = true; // once: then the errno says why it is still not connected
                await _handle.Endpoint.WaitConnectedAsync(Spec.ReconnectWait, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (errno != Errno.EWOULDBLOCK) throw new DescsockException(errno, RecvFailure(errno, buffer.Length, length));
            await _handle.Endpoint.WaitAsync(EndpointEvents.In, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>descsock_cntl</c>: the seed defines no commands yet, so every command is refused with
    /// EINVAL (and EBADF once closed). Kept so that future options do not change the API's shape.
    /// </summary>
    public int Cntl(int command)
    {
        if (_handle.Endpoint.State == EndpointState.Closed) throw new DescsockException(Errno.EBADF, "the socket is closed");
        throw new DescsockException(Errno.EINVAL, $"descsock_cntl command {command} is not implemented (the seed defines none)");
    }

    /// <summary>Retrieves the client actor, for actor-based users (send/receive as batched messages).</summary>
    public Task<IActorRef> GetClientActorAsync(TimeSpan timeout) =>
        _handle.Supervisor.Ask<IActorRef>(TenantSupervisor.GetClient.Instance, timeout);

    /// <summary>
    /// <c>descsock_close</c>: disconnects from the agent, stops the worker, unmaps and removes the
    /// shared memory. Blocked calls on other threads return EBADF. Idempotent.
    /// </summary>
    public void Close() => CloseAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Close"/>.</summary>
    public async ValueTask CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _handle.Endpoint.MarkClosed();
        await _handle.CloseAsync(CloseTimeout).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => CloseAsync();

    private bool IsBlocking(DescsockFlags flags) =>
        (flags & DescsockFlags.Block) != 0 || ((flags & DescsockFlags.NonBlock) == 0 && (_defaultFlags & DescsockFlags.NonBlock) == 0);

    private string SendFailure(int errno, int length) => errno switch
    {
        Errno.EINVAL => $"a {length}-byte frame is shorter than an Ethernet header plus CRC ({TenantLimits.MinFrame} bytes)",
        Errno.EMSGSIZE => $"a {length}-byte frame exceeds the maximum of {MaxFrameLength} bytes (CRC included)",
        Errno.EWOULDBLOCK => "the transmit ring is full (back-pressure from the agent)",
        Errno.EBADF => "the socket is closed",
        _ => NotConnectedReason(),
    };

    private string NotConnectedReason()
    {
        var endpoint = _handle.Endpoint;
        string reason = endpoint.DisconnectReason ?? "not connected to the agent";
        return endpoint.State == EndpointState.Reconnecting ? $"re-registering with the agent after: {reason}" : reason;
    }

    private string RecvFailure(int errno, int bufferLength, int needed) => errno switch
    {
        Errno.EMSGSIZE => $"the next frame needs {needed} bytes but the buffer holds {bufferLength}; the frame stays queued",
        Errno.EWOULDBLOCK => "no frame is queued",
        Errno.EBADF => "the socket is closed",
        _ => NotConnectedReason(),
    };
}
