using System.Buffers.Binary;
using Descsock.Wire;
using L = Descsock.Wire.MemifMessageLayout;
namespace Descsock.Tests.Agent;

/// <summary>
/// Makes fuzz cases for the agent's control channel, deterministically from (seed, index): a
/// handshake prefix and one mutated message, each judged by <see cref="ControlFuzzModel"/>.
/// <para>The agent under test announces max_region 3 (four regions), one ring per direction
/// (ring index 0) and max log2 14, trusts no unsealed region, and offers the services below.</para>
/// </summary>
internal static class ControlFuzzGenerator
{
    /// <summary>Every region file the test makes has this size; the valid prefix declares all of it.</summary>
    public const ulong RegionFileSize = 8192;
    public const uint S2MOffset = 0, M2SOffset = 1024;
    public const byte PrefixLog2 = 4;
    public const int MaxRegions = 4;

    /// <summary>The echo service the well-behaved tenant uses; never named by a fuzz case.</summary>
    public const uint EchoId = 1;
    /// <summary>A service with a secret, for INIT cases.</summary>
    public const uint SecretId = 7;
    public const string Secret = "fuzz-secret";
    /// <summary>Fuzz cases register as FirstFuzzId + index % FuzzIds: each worker owns the ids ≡ its number mod the worker count.</summary>
    public const uint FirstFuzzId = 100;
    public const int FuzzIds = 32;

    /// <summary>The services the agent under test is configured with (JSON shape of <c>ServiceSettings</c>).</summary>
    public static object[] Services() =>
    [
        new { SvcId = EchoId, Mode = "Echo" },
        new { SvcId = SecretId, Mode = "Sink", Secret },
        .. Enumerable.Range(0, FuzzIds).Select(i => (object)new { SvcId = FirstFuzzId + (uint)i, Mode = "Sink" }),
    ];

    /// <summary>Case <paramref name="index"/> of the run seeded with <paramref name="seed"/>.</summary>
    public static ControlFuzzCase Create(int seed, int index)
    {
        var g = new Gen(new Random(CaseSeed(seed, index)), index, FirstFuzzId + (uint)(index % FuzzIds));
        return g.Next();
    }

    /// <summary>SplitMix-style mixing, so that every case is reproducible on its own.</summary>
    private static int CaseSeed(int seed, int index)
    {
        ulong z = (ulong)(uint)seed << 32 | (uint)index;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    // ---- well-formed messages ----

    public static byte[] Init(uint id, string? secret = null)
    {
        var m = new byte[L.Size];
        MemifCodec.Write(new InitMessage(L.ProtocolVersion, id, L.ModeEthernet, MemifSecret.FromString(secret), "fuzz"), m);
        return m;
    }

    public static byte[] AddRegion(ushort index, ulong size)
    {
        var m = new byte[L.Size];
        MemifCodec.Write(new AddRegionMessage(index, size), m);
        return m;
    }

    public static byte[] AddRing(bool s2m) =>
        AddRing(s2m ? L.AddRingFlagS2M : (ushort)0, 0, 0, s2m ? S2MOffset : M2SOffset, PrefixLog2, 0);

    public static byte[] AddRing(ushort flags, ushort index, ushort region, uint offset, byte log2, ushort privateHeader)
    {
        var m = new byte[L.Size];
        MemifCodec.Write(new AddRingMessage(flags, index, region, offset, log2, privateHeader), m);
        return m;
    }

    public static byte[] Connect()
    {
        var m = new byte[L.Size];
        MemifCodec.Write(new ConnectMessage("fuzz0"), m);
        return m;
    }

    public static byte[] Disconnect(string reason)
    {
        var m = new byte[L.Size];
        MemifCodec.Write(new DisconnectMessage(0, reason), m);
        return m;
    }

    private static byte[] Bare(MemifMessageType type)
    {
        var m = new byte[L.Size];
        switch (type)
        {
            case MemifMessageType.Hello:
                MemifCodec.Write(new HelloMessage("fuzz", L.ProtocolVersion, L.ProtocolVersion, 3, 0, 0, 14), m);
                break;
            case MemifMessageType.Connected:
                MemifCodec.Write(new ConnectedMessage("fuzz0"), m);
                break;
            case MemifMessageType.Disconnect:
                return Disconnect("the fuzzer says goodbye");
            default:
                BinaryPrimitives.WriteUInt16LittleEndian(m, (ushort)type);
                break;
        }
        return m;
    }

    /// <summary>Draws one case.</summary>
    private sealed class Gen(Random rng, int index, uint svc)
    {
        private static readonly FuzzFd[] AllFds = Enum.GetValues<FuzzFd>();
        private static readonly FuzzFd[] NotRegions = [FuzzFd.EventFd, FuzzFd.Pipe, FuzzFd.Directory, FuzzFd.DevNull, FuzzFd.Socket, FuzzFd.UnsealedMemfd, FuzzFd.RegularFile];
        private static readonly FuzzFd[] NotEventFds = [FuzzFd.Region, FuzzFd.BadCookieRegion, FuzzFd.UnsealedMemfd, FuzzFd.RegularFile, FuzzFd.Pipe, FuzzFd.Directory, FuzzFd.DevNull, FuzzFd.Socket];
        private static readonly MemifMessageType[] ValidTypes =
        [
            MemifMessageType.None, MemifMessageType.Ack, MemifMessageType.Hello, MemifMessageType.Init, MemifMessageType.AddRegion,
            MemifMessageType.AddRing, MemifMessageType.Connect, MemifMessageType.Connected, MemifMessageType.Disconnect,
        ];

        private int _prefix;
        private FuzzFd _prefixRegion = FuzzFd.Region;

        public ControlFuzzCase Next()
        {
            _prefix = rng.Next(5);
            int roll = rng.Next(1000);
            var (kind, message, fds, split) = roll switch
            {
                < 100 => Truncated(),
                < 170 => Oversized(),
                < 250 => UnknownType(),
                < 390 => OutOfOrder(),
                < 620 => FieldFuzz(),
                < 670 => MissingFd(),
                < 770 => WrongFd(),
                < 820 => ManyFds(),
                < 870 => FdOnFdless(),
                < 940 => RandomBytes(),
                < 960 => UnmappableRegion(),
                < 975 => PostConnect(),
                < 990 => HangUp(),
                _ => ("silent", (byte[]?)null, Array.Empty<FuzzFd>(), false),
            };
            var expect = message is null ? FuzzExpect.TimeoutRefusal
                : kind == "hang-up" ? FuzzExpect.HangUp
                : ControlFuzzModel.Judge(_prefix, _prefixRegion, svc, message, fds);
            // After an ACK the agent waits for the next step and must give up on its own; CONNECTED ends the handshake.
            bool awaitTimeout = expect == FuzzExpect.Accept && MemifCodec.PeekType(message) != MemifMessageType.Connect && rng.Next(100) < 2;
            return new ControlFuzzCase(index, kind, svc, _prefix, _prefixRegion, message, fds, split, expect, awaitTimeout);
        }

        private T Pick<T>(params T[] items) => items[rng.Next(items.Length)];

        /// <summary>The message the valid handshake sends next, with its fd.</summary>
        private (byte[] Message, FuzzFd[] Fds) Expected() => _prefix switch
        {
            0 => (Init(svc), []),
            1 => (AddRegion(0, RegionFileSize), [FuzzFd.Region]),
            2 => (AddRing(s2m: true), [FuzzFd.EventFd]),
            3 => (AddRing(s2m: false), [FuzzFd.EventFd]),
            _ => (Connect(), []),
        };

        /// <summary>A well-formed message of <paramref name="type"/> with the fd it naturally carries.</summary>
        private (byte[] Message, FuzzFd[] Fds) WellFormed(MemifMessageType type) => type switch
        {
            MemifMessageType.Init => (Init(svc), []),
            MemifMessageType.AddRegion => (AddRegion((ushort)(_prefix >= 2 ? 1 : 0), RegionFileSize), [FuzzFd.Region]),
            MemifMessageType.AddRing => (AddRing(rng.Next(2) == 0), [FuzzFd.EventFd]),
            MemifMessageType.Connect => (Connect(), []),
            _ => (Bare(type), []),
        };

        private (byte[] Message, FuzzFd[] Fds) Base() =>
            rng.Next(10) < 7 ? Expected() : WellFormed(Pick(ValidTypes));

        private (string, byte[]?, FuzzFd[], bool) Truncated()
        {
            var (m, fds) = Base();
            int length = rng.Next(3) == 0 ? rng.Next(L.Size) : Pick(0, 1, 2, 3, 6, 14, 15, 64, 126, 127);
            return ("truncated", m[..length], rng.Next(10) < 7 ? fds : [], false);
        }

        private (string, byte[]?, FuzzFd[], bool) Oversized()
        {
            var (m, fds) = Base();
            int length = rng.Next(3) == 0 ? rng.Next(L.Size + 1, 8192) : Pick(129, 130, 136, 256, 1024, 4096, 65536);
            var big = new byte[length];
            m.CopyTo(big, 0);
            if (rng.Next(2) == 0) rng.NextBytes(big.AsSpan(L.Size));
            return ("oversized", big, rng.Next(10) < 7 ? fds : [], false);
        }

        private (string, byte[]?, FuzzFd[], bool) UnknownType()
        {
            var (m, fds) = Base();
            // 0x0103 and 0x0503: a valid low byte, so an agent that reads only one byte would take them for INIT / ADD_RING.
            ushort type = rng.Next(3) == 0 ? (ushort)rng.Next(9, 65536) : Pick<ushort>(0, 9, 10, 0xFF, 0x100, 0x103, 0x503, 0x8000, 0x8003, 0xFFFF);
            BinaryPrimitives.WriteUInt16LittleEndian(m, type);
            return ("unknown-type", m, rng.Next(2) == 0 ? fds : [], false);
        }

        private (string, byte[]?, FuzzFd[], bool) OutOfOrder()
        {
            var expected = (MemifMessageType)BinaryPrimitives.ReadUInt16LittleEndian(Expected().Message);
            MemifMessageType type;
            do type = Pick(ValidTypes[1..]); while (type == expected && type != MemifMessageType.AddRing);
            var (m, fds) = WellFormed(type);
            return ("out-of-order", m, fds, false);
        }

        private (string, byte[]?, FuzzFd[], bool) FieldFuzz()
        {
            var (m, fds) = rng.Next(10) < 8
                ? Expected()
                : WellFormed(Pick(MemifMessageType.Init, MemifMessageType.AddRegion, MemifMessageType.AddRing, MemifMessageType.Connect));
            var type = (MemifMessageType)BinaryPrimitives.ReadUInt16LittleEndian(m);
            int mutations = rng.Next(1, 4);
            for (int i = 0; i < mutations; i++)
            {
                switch (type)
                {
                    case MemifMessageType.Init: MutateInit(m); break;
                    case MemifMessageType.AddRegion: MutateRegion(m); break;
                    case MemifMessageType.AddRing: MutateRing(m); break;
                    default: Name(m.AsSpan(L.ConnectName, L.NameSize)); break;
                }
            }
            if (rng.Next(4) == 0) rng.NextBytes(m.AsSpan(PayloadEnd(type))); // padding is never trusted to be zero
            return ($"field-{type}", m, fds, false);
        }

        private static int PayloadEnd(MemifMessageType type) => type switch
        {
            MemifMessageType.Init => L.InitName + L.NameSize,
            MemifMessageType.AddRegion => L.AddRegionSize + 8,
            MemifMessageType.AddRing => L.AddRingPrivateHeaderSize + 2,
            _ => L.ConnectName + L.NameSize,
        };

        private void MutateInit(byte[] m)
        {
            switch (rng.Next(5))
            {
                case 0: BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(L.InitVersion), Pick<ushort>(0x0200, 0x0100, 0x0201, 0x0002, 0, 0xFFFF)); break;
                case 1:
                    uint id = rng.Next(3) == 0 ? (uint)rng.NextInt64(0, 1L << 32) : Pick(svc, SecretId, 0u, FirstFuzzId + (uint)rng.Next(FuzzIds), FirstFuzzId + FuzzIds, uint.MaxValue);
                    if (id == EchoId) id = svc; // the well-behaved tenant's id stays free
                    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(L.InitId), id);
                    break;
                case 2: m[L.InitMode] = Pick<byte>(0, 1, 2, 255); break;
                case 3:
                    var secret = m.AsSpan(L.InitSecret, L.SecretSize);
                    switch (rng.Next(4))
                    {
                        case 0: secret.Clear(); break;
                        case 1: MemifSecret.FromString(Secret).Bytes.CopyTo(secret); break;
                        case 2: secret.Fill((byte)'x'); break; // no NUL
                        default: rng.NextBytes(secret); break;
                    }
                    break;
                default: Name(m.AsSpan(L.InitName, L.NameSize)); break;
            }
        }

        private void MutateRegion(byte[] m)
        {
            if (rng.Next(2) == 0)
                BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(L.AddRegionIndex), Pick<ushort>(0, 1, 2, 3, 4, 255, 0xFFFF));
            else
                BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(L.AddRegionSize), rng.Next(4) == 0 ? (ulong)rng.NextInt64() : Pick(
                    RegionFileSize, 4096UL, 1UL, 0UL, RegionFileSize + 1, RegionFileSize - 1, 1UL << 30, (1UL << 30) + 1,
                    uint.MaxValue, 1UL << 32, (1UL << 32) + RegionFileSize, 1UL << 63, ulong.MaxValue, ulong.MaxValue - 4095));
        }

        private void MutateRing(byte[] m)
        {
            switch (rng.Next(6))
            {
                case 0: BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(L.AddRingFlags), Pick<ushort>(0, 1, 2, 3, 0x8000, 0x8001, 0xFFFF)); break;
                case 1: BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(L.AddRingIndex), Pick<ushort>(0, 1, 255, 0xFFFF)); break;
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(L.AddRingRegion), Pick<ushort>(0, 1, 3, 4, 0xFFFF)); break;
                case 3:
                    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(L.AddRingOffset), rng.Next(4) == 0 ? (uint)rng.NextInt64(0, 1L << 32) : Pick(
                        0u, 1u, 8u, 16u, 1024u, 4096u, 8192u - 384, 8192u - 384 + 16, 8192u - 128, 8192u, 1u << 31, uint.MaxValue - 15, uint.MaxValue));
                    break;
                case 4: m[L.AddRingLog2RingSize] = Pick<byte>(0, 1, 2, 4, 8, 9, 10, 13, 14, 15, 16, 31, 32, 63, 64, 128, 255); break;
                default: BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(L.AddRingPrivateHeaderSize), Pick<ushort>(0, 1, 0x100, 0xFFFF)); break;
            }
        }

        /// <summary>A name field: full without a NUL, random bytes, or empty.</summary>
        private void Name(Span<byte> field)
        {
            switch (rng.Next(3))
            {
                case 0: field.Fill((byte)'A'); break;
                case 1: rng.NextBytes(field); break;
                default: field.Clear(); break;
            }
        }

        private (string, byte[]?, FuzzFd[], bool) MissingFd()
        {
            _prefix = rng.Next(1, 5);
            var (m, _) = WellFormed(Pick(MemifMessageType.AddRegion, MemifMessageType.AddRing));
            return ("missing-fd", m, [], false);
        }

        private (string, byte[]?, FuzzFd[], bool) WrongFd()
        {
            _prefix = rng.Next(1, 5);
            bool region = rng.Next(2) == 0;
            var (m, _) = WellFormed(region ? MemifMessageType.AddRegion : MemifMessageType.AddRing);
            return ("wrong-fd", m, [region ? Pick(NotRegions) : Pick(NotEventFds)], false);
        }

        private (string, byte[]?, FuzzFd[], bool) ManyFds()
        {
            var (m, _) = Base();
            // 28 fds fill the agent's 128-byte control buffer; more arrive truncated (MSG_CTRUNC).
            int count = Pick(2, 2, 3, 8, 27, 28, 29, 40);
            var fds = Enumerable.Range(0, count).Select(_ => Pick(AllFds)).ToArray();
            return ("many-fds", m, fds, rng.Next(10) < 3);
        }

        private (string, byte[]?, FuzzFd[], bool) FdOnFdless()
        {
            var type = Pick(MemifMessageType.Init, MemifMessageType.Connect, MemifMessageType.Ack, MemifMessageType.Hello,
                MemifMessageType.Connected, MemifMessageType.Disconnect, MemifMessageType.None);
            if (type == MemifMessageType.Connect && rng.Next(2) == 0) _prefix = 4; // so that the CONNECT itself is fine
            var (m, _) = WellFormed(type);
            return ("fd-on-fdless", m, [Pick(AllFds)], false);
        }

        private (string, byte[]?, FuzzFd[], bool) RandomBytes()
        {
            var m = new byte[L.Size];
            rng.NextBytes(m);
            if (rng.Next(2) == 0) BinaryPrimitives.WriteUInt16LittleEndian(m, (ushort)rng.Next(10)); // a known type with garbage fields
            int r = rng.Next(20);
            FuzzFd[] fds = r < 5 ? [Pick(AllFds)] : r == 5 ? [Pick(AllFds), Pick(AllFds)] : [];
            return ("random", m, fds, false);
        }

        private (string, byte[]?, FuzzFd[], bool) UnmappableRegion()
        {
            _prefix = 4;
            _prefixRegion = Pick(FuzzFd.ReadOnlyRegion, FuzzFd.WriteSealedRegion, FuzzFd.BadCookieRegion);
            return ("unmappable-region", Connect(), [], false);
        }

        /// <summary>Anything, often a message that carries an fd the agent takes on, and then the tenant is gone.</summary>
        private (string, byte[]?, FuzzFd[], bool) HangUp()
        {
            var (_, m, fds, split) = rng.Next(3) switch
            {
                0 => RandomBytes(),
                1 => ManyFds(),
                _ => BaseCase(),
            };
            return ("hang-up", m, fds, split);
        }

        private (string, byte[]?, FuzzFd[], bool) BaseCase()
        {
            var (m, fds) = Base();
            return ("base", m, fds, false);
        }

        private (string, byte[]?, FuzzFd[], bool) PostConnect()
        {
            var (kind, m, fds, split) = rng.Next(4) switch
            {
                0 => RandomBytes(),
                1 => Truncated(),
                2 => FdOnFdless(),
                _ => ManyFds(),
            };
            _prefix = 5;
            _prefixRegion = FuzzFd.Region;
            return ($"post-connect-{kind}", m, fds, split);
        }
    }
}
