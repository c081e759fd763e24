using Descsock.Interop;
using Descsock.Memory;
using Descsock.Native;
using Descsock.Wire;
namespace Descsock.Client;

/// <summary>
/// The tenant (memif client) side of the handshake, run lock-step as DPDK and libmemif do:
/// HELLO → INIT/ACK → ADD_REGION/ACK → ADD_RING S2M/ACK → ADD_RING M2S/ACK → CONNECT/CONNECTED.
/// The region is built once the HELLO has fixed the ring size. A DISCONNECT from the agent
/// becomes a <see cref="DescsockException"/> with the errno of its reason; "ID not found" is
/// retried for <see cref="TenantSettings.IdNotFoundRetry"/>. Blocking: run it off actor threads.
/// </summary>
public static class TenantHandshake
{
    /// <summary>What a successful handshake leaves behind: the live control socket and the rings.</summary>
    public sealed record Result(SeqPacketSocket Control, TenantResources Resources, string AgentName);

    /// <summary>Connects and registers; throws <see cref="DescsockException"/> on any failure, leaving nothing open.</summary>
    public static Result Run(TenantSettings settings, CancellationToken cancellationToken)
    {
        long retryUntil = Environment.TickCount64 + (long)settings.IdNotFoundRetry.TotalMilliseconds;
        TenantResources? resources = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var socket = SeqPacketSocket.Connect(settings.MasterSocketPath);
            try
            {
                var result = Attempt(socket, settings, ref resources);
                return result;
            }
            catch (DescsockException e) when (e.Data["IdNotFound"] is true && Environment.TickCount64 < retryUntil)
            {
                socket.Dispose();
                Thread.Sleep(100);
            }
            catch
            {
                socket.Dispose();
                resources?.Dispose();
                throw;
            }
        }
    }

    private static Result Attempt(SeqPacketSocket socket, TenantSettings s, ref TenantResources? resources)
    {
        Span<byte> msg = stackalloc byte[MemifMessageLayout.Size];
        int timeout = (int)s.HandshakeTimeout.TotalMilliseconds;

        Expect(socket, msg, MemifMessageType.Hello, timeout, "HELLO");
        MemifCodec.TryRead(msg, out HelloMessage hello);
        if (hello.MinVersion > MemifMessageLayout.ProtocolVersion || hello.MaxVersion < MemifMessageLayout.ProtocolVersion)
            throw new DescsockException(Errno.EPROTO, $"agent '{hello.Name}' speaks memif {hello.MinVersion:x4}..{hello.MaxVersion:x4}, we speak 0200");
        int log2 = Math.Min(s.Log2RingSize, (int)hello.MaxLog2RingSize);
        if (log2 < RingLayout.MinLog2Size)
            throw new DescsockException(Errno.EPROTO, $"agent '{hello.Name}' allows no usable ring size (max log2 {hello.MaxLog2RingSize})");
        if (resources is null || resources.Layout.Log2RingSize != log2)
        {
            resources?.Dispose();
            var layout = new TenantRegionLayout(log2, s.BufferSize, Math.Max(1, s.ReceivePoolRings) << log2);
            resources = TenantResources.Create(s.DmaShmemPath, layout, s.MaxWireFrame, $"descsock-{s.SvcId}");
        }
        var r = resources;

        MemifCodec.Write(new InitMessage(MemifMessageLayout.ProtocolVersion, s.SvcId, MemifMessageLayout.ModeEthernet, s.Secret, s.Name), msg);
        Exchange(socket, msg, null, MemifMessageType.Ack, timeout, "INIT");

        MemifCodec.Write(new AddRegionMessage(0, (ulong)r.Backing.Size), msg);
        Exchange(socket, msg, r.Backing.Descriptor, MemifMessageType.Ack, timeout, "ADD_REGION");

        MemifCodec.Write(new AddRingMessage(MemifMessageLayout.AddRingFlagS2M, 0, 0, (uint)r.Layout.TransmitRingOffset, (byte)log2, 0), msg);
        Exchange(socket, msg, r.TransmitDoorbell.Descriptor, MemifMessageType.Ack, timeout, "ADD_RING (S2M)");

        MemifCodec.Write(new AddRingMessage(0, 0, 0, (uint)r.Layout.ReceiveRingOffset, (byte)log2, 0), msg);
        Exchange(socket, msg, r.ReceiveDoorbell.Descriptor, MemifMessageType.Ack, timeout, "ADD_RING (M2S)");

        MemifCodec.Write(new ConnectMessage(s.Name), msg);
        Exchange(socket, msg, null, MemifMessageType.Connected, timeout, "CONNECT");
        return new Result(socket, r, hello.Name);
    }

    private static void Exchange(SeqPacketSocket socket, Span<byte> msg, FileDescriptor? fd, MemifMessageType reply, int timeout, string step)
    {
        int errno = socket.Send(msg, fd);
        if (errno != 0) throw new DescsockException(errno, $"sending {step} to the agent failed");
        Expect(socket, msg, reply, timeout, $"{step}'s reply");
    }

    /// <summary>Receives the next message into <paramref name="msg"/> and insists on <paramref name="type"/>.</summary>
    private static void Expect(SeqPacketSocket socket, Span<byte> msg, MemifMessageType type, int timeout, string what)
    {
        var status = socket.Receive(msg, out int length, out FileDescriptor? fd, timeout);
        fd?.Dispose(); // the agent never has a reason to send us descriptors
        switch (status)
        {
            case ReceiveStatus.Timeout:
                throw new DescsockException(Errno.ETIMEDOUT, $"the agent did not send {what} within {timeout} ms");
            case ReceiveStatus.Closed:
                throw new DescsockException(Errno.ECONNRESET, $"the agent closed the connection while we waited for {what}");
            case ReceiveStatus.Message when length == MemifMessageLayout.Size:
                break;
            default:
                throw new DescsockException(Errno.EPROTO, $"malformed message from the agent while waiting for {what} ({status}, {length} bytes)");
        }
        var got = MemifCodec.PeekType(msg);
        if (got == type) return;
        if (got == MemifMessageType.Disconnect && MemifCodec.TryRead(msg, out DisconnectMessage d))
        {
            var e = new DescsockException(DisconnectReasons.ToErrno(d.Reason), $"the agent refused the connection: \"{d.Reason}\"");
            e.Data["IdNotFound"] = DisconnectReasons.IsIdNotFound(d.Reason);
            throw e;
        }
        throw new DescsockException(Errno.EPROTO, $"expected {what} from the agent, got message type {(ushort)got}");
    }
}
