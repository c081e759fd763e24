using System.Buffers.Binary;
using Descsock.Wire;
using static Descsock.Tests.Agent.ControlFuzzGenerator;
using L = Descsock.Wire.MemifMessageLayout;
namespace Descsock.Tests.Agent;

/// <summary>
/// What the agent must do with a fuzz case's message: a small model written from the protocol
/// (memif-notes §1) and security rules 1-6, not from the agent's code. Where the rules leave a
/// choice open it says <see cref="FuzzExpect.Either"/>. It knows the state the valid prefix left
/// (INIT done from step 1, region 0 of <see cref="RegionFileSize"/> bytes from step 2, the S2M ring
/// from 3, the M2S ring from 4) and what each <see cref="FuzzFd"/> really is.
/// </summary>
internal static class ControlFuzzModel
{
    /// <summary>What the agent must do with <paramref name="m"/> + <paramref name="fds"/> after prefix <paramref name="prefix"/>.</summary>
    public static FuzzExpect Judge(int prefix, FuzzFd prefixRegion, uint myId, byte[] m, FuzzFd[] fds)
    {
        if (prefix >= 5) return FuzzExpect.PostConnect;
        if (m.Length == 0) return fds.Length == 0 ? FuzzExpect.Close : FuzzExpect.Refuse; // rule 1
        if (m.Length != L.Size) return FuzzExpect.Refuse;                                  // rule 1
        if (fds.Length > 1) return FuzzExpect.Refuse;                                      // at most one fd per message
        var type = (MemifMessageType)BinaryPrimitives.ReadUInt16LittleEndian(m);
        FuzzFd? fd = fds.Length == 1 ? fds[0] : null;
        bool initDone = prefix >= 1;
        return type switch
        {
            MemifMessageType.Disconnect => FuzzExpect.RefuseOrClose,
            MemifMessageType.Init when !initDone => JudgeInit(m, myId),
            MemifMessageType.AddRegion when initDone => JudgeRegion(prefix, m, fd),
            MemifMessageType.AddRing when initDone => JudgeRing(prefix, m, fd),
            // Both rings first; the region must map read-write and carry the ring cookies (rule 6).
            MemifMessageType.Connect when initDone => prefix == 4 && prefixRegion == FuzzFd.Region ? FuzzExpect.Accept : FuzzExpect.Refuse,
            _ => FuzzExpect.Refuse, // unknown, server-to-client, or out of order (a second INIT, anything before INIT)
        };
    }

    private static FuzzExpect JudgeInit(byte[] m, uint myId)
    {
        MemifCodec.TryRead(m, out InitMessage init);
        if (init.Version != L.ProtocolVersion || init.Mode != L.ModeEthernet) return FuzzExpect.Refuse;
        if (init.Id == myId) return FuzzExpect.Accept; // names and secret are free-form: a service without a secret ignores it
        if (init.Id == SecretId)
            return init.Secret.EqualsConstantTime(MemifSecret.FromString(Secret)) ? FuzzExpect.Either : FuzzExpect.Refuse;
        if (init.Id is >= FirstFuzzId and < FirstFuzzId + FuzzIds) return FuzzExpect.Either; // another worker's id: free or in use
        return FuzzExpect.Refuse; // no such service
    }

    private static FuzzExpect JudgeRegion(int prefix, byte[] m, FuzzFd? fd)
    {
        int regions = prefix >= 2 ? 1 : 0;
        MemifCodec.TryRead(m, out AddRegionMessage r);
        if (fd is not (FuzzFd.Region or FuzzFd.BadCookieRegion or FuzzFd.ReadOnlyRegion or FuzzFd.WriteSealedRegion)) return FuzzExpect.Refuse; // rule 2, rule 5
        if (r.Index != regions || r.Index >= MaxRegions) return FuzzExpect.Refuse; // rule 3
        if (r.Size == 0 || r.Size > RegionFileSize) return FuzzExpect.Refuse;      // rule 4
        // A sealed file that cannot be mapped writable may be refused now or at CONNECT.
        return fd is FuzzFd.ReadOnlyRegion or FuzzFd.WriteSealedRegion ? FuzzExpect.Either : FuzzExpect.Accept;
    }

    private static FuzzExpect JudgeRing(int prefix, byte[] m, FuzzFd? fd)
    {
        int regions = prefix >= 2 ? 1 : 0;
        bool haveS2M = prefix >= 3, haveM2S = prefix >= 4;
        MemifCodec.TryRead(m, out AddRingMessage r);
        if (fd != FuzzFd.EventFd) return FuzzExpect.Refuse;                                  // rule 2
        if (r.Index != 0) return FuzzExpect.Refuse;                                          // HELLO allows ring index 0 only
        if (r.IsS2M ? haveS2M : haveM2S) return FuzzExpect.Refuse;                           // that ring exists already
        if (r.Region >= regions) return FuzzExpect.Refuse;                                   // rule 3
        if (r.Log2RingSize is < 1 or > 14) return FuzzExpect.Refuse;                         // rule 3
        if (r.PrivateHeaderSize != 0) return FuzzExpect.Refuse;                              // notes §1.4: always 0
        if ((ulong)r.Offset + (ulong)RingLayout.RingBytes(r.Log2RingSize) > RegionFileSize) return FuzzExpect.Refuse; // rule 6
        if (r.Flags > 1) return FuzzExpect.Either;       // unknown flag bits: ignoring or refusing both fine
        if (r.Offset % 16 != 0) return FuzzExpect.Either; // alignment is the agent's policy
        return FuzzExpect.Accept;
    }
}
