namespace Descsock.Wire;

/// <summary>
/// Byte layout of the 128-byte memif control messages (little-endian, packed; payload from
/// byte 2). Offsets are absolute within the message (memif-notes §1.4):
/// <code>
/// all         0 type u16
/// HELLO       2 name[32] | 34 min_version u16 | 36 max_version u16 | 38 max_region u16
///             40 max_m2s_ring u16 | 42 max_s2m_ring u16 | 44 max_log2_ring_size u8
/// INIT        2 version u16 | 4 id u32 | 8 mode u8 | 9 secret[24] | 33 name[32]
/// ADD_REGION  2 index u16 | 4 size u64
/// ADD_RING    2 flags u16 | 4 index u16 | 6 region u16 | 8 offset u32 | 12 log2_ring_size u8
///             13 private_hdr_size u16 (unaligned)
/// CONNECT(ED) 2 interface name[32]
/// DISCONNECT  2 code u32 | 6 reason[96]
/// </code>
/// </summary>
public static class MemifMessageLayout
{
    /// <summary>Every message is exactly this long.</summary>
    public const int Size = 128;
    /// <summary>The only protocol version in use: 2.0.</summary>
    public const ushort ProtocolVersion = 0x0200;
    /// <summary>ADD_RING flag bit 0: the ring is written by the client (S2M, tenant transmit).</summary>
    public const ushort AddRingFlagS2M = 1;
    /// <summary>INIT mode: Ethernet (the only mode DPDK accepts).</summary>
    public const byte ModeEthernet = 0;

    public const int TypeOffset = 0;
    public const int NameSize = 32;
    public const int SecretSize = 24;
    public const int ReasonSize = 96;

    public const int HelloName = 2, HelloMinVersion = 34, HelloMaxVersion = 36, HelloMaxRegion = 38,
        HelloMaxM2SRing = 40, HelloMaxS2MRing = 42, HelloMaxLog2RingSize = 44;
    public const int InitVersion = 2, InitId = 4, InitMode = 8, InitSecret = 9, InitName = 33;
    public const int AddRegionIndex = 2, AddRegionSize = 4;
    public const int AddRingFlags = 2, AddRingIndex = 4, AddRingRegion = 6, AddRingOffset = 8,
        AddRingLog2RingSize = 12, AddRingPrivateHeaderSize = 13;
    public const int ConnectName = 2;
    public const int DisconnectCode = 2, DisconnectReason = 6;
}
