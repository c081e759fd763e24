using Descsock.Interop;
using Descsock.Native;
using Descsock.Wire;
namespace Descsock.Agent;

/// <summary>
/// The agent (memif server) side of the handshake, run off-thread for one connection. Every
/// message is checked for size, type, order and contents before it is acted on; every fd for
/// its kind; regions against fstat, seals and limits; rings against their region (security
/// rules 1-6, 13-15). A refusal sends DISCONNECT with a readable reason (DPDK's wording where
/// DPDK has one, so tenants map it to the same errno) and throws <see cref="Refused"/>.
/// </summary>
public static class AgentHandshake
{
    /// <summary>The tenant was refused; <see cref="Exception.Message"/> is the reason sent.</summary>
    public sealed class Refused(string reason) : Exception(reason);

    /// <summary>The name the agent announces in HELLO.</summary>
    public const string AgentName = "descsock agent";

    /// <summary>Runs the handshake on <paramref name="c"/>; on return the rings are live and CONNECTED was sent.</summary>
    public static void Run(TenantConnection c, AgentSettings s, ServiceRegistry registry)
    {
        var msg = new byte[MemifMessageLayout.Size];
        MemifCodec.Write(new HelloMessage(AgentName, MemifMessageLayout.ProtocolVersion, MemifMessageLayout.ProtocolVersion,
            (ushort)(s.MaxRegions - 1), 0, 0, RingLayout.MaxLog2Size), msg);
        Send(c, msg);

        var type = Receive(c, msg, s, out var fd);
        using (fd) Init(c, msg, type, registry);
        Send(c, Ack(msg));

        while (true)
        {
            type = Receive(c, msg, s, out fd);
            switch (type)
            {
                case MemifMessageType.AddRegion: AddRegion(c, msg, fd, s); break;
                case MemifMessageType.AddRing: AddRing(c, msg, fd); break;
                case MemifMessageType.Connect:
                    fd?.Dispose();
                    Connect(c);
                    MemifCodec.Write(new ConnectedMessage(AgentName), msg);
                    Send(c, msg);
                    return;
                case MemifMessageType.Disconnect:
                    fd?.Dispose();
                    MemifCodec.TryRead(msg, out DisconnectMessage d);
                    throw new Refused($"the tenant gave up: {d.Reason}");
                default:
                    fd?.Dispose();
                    Refuse(c, type is > MemifMessageType.None and <= MemifMessageType.Disconnect ? "Unexpected message" : "Unknown message type");
                    break;
            }
            Send(c, Ack(msg));
        }
    }

    private static void Init(TenantConnection c, byte[] msg, MemifMessageType type, ServiceRegistry registry)
    {
        if (type != MemifMessageType.Init) Refuse(c, "Unexpected message");
        MemifCodec.TryRead(msg, out InitMessage init);
        if (init.Version != MemifMessageLayout.ProtocolVersion) Refuse(c, "Incompatible memif version");
        if (init.Mode != MemifMessageLayout.ModeEthernet) Refuse(c, "Only ethernet mode supported");
        var service = registry.TryReserve(init.Id, init.Secret, c.Peer, out string refusal);
        if (service is null) Refuse(c, refusal);
        c.Service = service;
        c.Name = init.Name;
    }

    private static void AddRegion(TenantConnection c, byte[] msg, FileDescriptor? fd, AgentSettings s)
    {
        if (fd is null) Refuse(c, "Missing region fd");
        try
        {
            MemifCodec.TryRead(msg, out AddRegionMessage r);
            if (r.Index != c.Regions.Count || r.Index >= s.MaxRegions) Refuse(c, "Invalid region index");
            // Not required to be page-aligned, unlike security rule 4 asks: DPDK's regions are not
            // (4227328 = 1032 pages + 256). Safe: the file holds at least the declared size (fstat
            // below) and every access is bounded by the declared size.
            if (r.Size == 0 || r.Size > (ulong)s.MaxRegionSize) Refuse(c, $"Invalid region size {r.Size}");
            if (!DescriptorKind.IsRegularFile(fd, out long fileSize, out int seals)) Refuse(c, "Region fd is not a shared-memory file");
            if ((ulong)fileSize < r.Size) Refuse(c, $"Region file holds {fileSize} bytes, {r.Size} declared");
            bool sealedShrink = (seals & Libc.F_SEAL_SHRINK) != 0;
            bool trusted = s.TrustUnsealedFromOwnUid && c.Peer.Uid == Libc.GetEuid();
            if (!sealedShrink && !trusted) Refuse(c, "Region must be sealed against shrinking (F_SEAL_SHRINK)");
            c.Regions.Add(new TenantRegion(fd, r.Size));
            fd = null; // owned by the region now
        }
        finally
        {
            fd?.Dispose();
        }
    }

    private static void AddRing(TenantConnection c, byte[] msg, FileDescriptor? fd)
    {
        if (fd is null) Refuse(c, "Missing interrupt fd");
        try
        {
            MemifCodec.TryRead(msg, out AddRingMessage r);
            if (!DescriptorKind.IsEventFd(fd)) Refuse(c, "Interrupt fd is not an eventfd");
            if (r.Flags > 1 || r.Index != 0) Refuse(c, "Invalid ring index");
            if ((r.IsS2M ? c.S2M : c.M2S) is not null) Refuse(c, "Ring added twice");
            if (r.Region >= c.Regions.Count) Refuse(c, "Invalid ring region");
            if (r.Log2RingSize is < RingLayout.MinLog2Size or > RingLayout.MaxLog2Size) Refuse(c, "Invalid ring size");
            if (r.PrivateHeaderSize != 0) Refuse(c, "Private headers not supported");
            if (r.Offset % 16 != 0) Refuse(c, "Misaligned ring offset");
            if (!c.Regions[r.Region].Contains(r.Offset, (ulong)RingLayout.RingBytes(r.Log2RingSize))) Refuse(c, "Ring outside its region");
            var doorbell = EventFd.Adopt(fd);
            fd = null;
            if (r.IsS2M) c.S2M = (r, doorbell); else c.M2S = (r, doorbell);
        }
        finally
        {
            fd?.Dispose();
        }
    }

    private static void Connect(TenantConnection c)
    {
        if (c.S2M is null || c.M2S is null) Refuse(c, "Both rings are required before CONNECT");
        try
        {
            foreach (var region in c.Regions) region.Map();
        }
        catch (DescsockException e)
        {
            Refuse(c, $"Cannot map region: {e.Message}");
        }
        if (c.View(c.S2M.Value.Ring).Cookie != RingLayout.Cookie) Refuse(c, "Wrong cookie on S2M ring");
        if (c.View(c.M2S.Value.Ring).Cookie != RingLayout.Cookie) Refuse(c, "Wrong cookie on M2S ring");
    }

    private static MemifMessageType Receive(TenantConnection c, byte[] msg, AgentSettings s, out FileDescriptor? fd)
    {
        var status = c.Control.Receive(msg, out int length, out fd, (int)s.HandshakeTimeout.TotalMilliseconds);
        switch (status)
        {
            case ReceiveStatus.Message when length == MemifMessageLayout.Size:
                return MemifCodec.PeekType(msg);
            case ReceiveStatus.Timeout:
                Refuse(c, "Handshake timeout");
                break;
            case ReceiveStatus.Closed:
                throw new Refused("the tenant closed the connection during the handshake");
            case ReceiveStatus.TooManyDescriptors:
                Refuse(c, "Too many file descriptors");
                break;
        }
        fd?.Dispose();
        fd = null;
        Refuse(c, "Invalid message size");
        return MemifMessageType.None;
    }

    private static byte[] Ack(byte[] msg)
    {
        MemifCodec.WriteAck(msg);
        return msg;
    }

    private static void Send(TenantConnection c, byte[] msg)
    {
        int errno = c.Control.Send(msg);
        if (errno != 0) throw new Refused($"cannot send to the tenant ({DescsockException.ErrnoName(errno)})");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Refuse(TenantConnection c, string reason)
    {
        var msg = new byte[MemifMessageLayout.Size];
        MemifCodec.Write(new DisconnectMessage(0, reason), msg);
        c.Control.Send(msg); // best effort, never blocks
        throw new Refused(reason);
    }
}
