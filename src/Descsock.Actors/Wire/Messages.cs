namespace Descsock.Wire;

/// <summary>HELLO: the server's name, supported versions and limits (the max_* values are highest indices).</summary>
public readonly record struct HelloMessage(string Name, ushort MinVersion, ushort MaxVersion, ushort MaxRegion,
    ushort MaxM2SRing, ushort MaxS2MRing, byte MaxLog2RingSize);

/// <summary>INIT: the client's interface id (descsock's svc_id), mode, secret and name.</summary>
public readonly record struct InitMessage(ushort Version, uint Id, byte Mode, MemifSecret Secret, string Name);

/// <summary>ADD_REGION: region index and size; the fd rides along.</summary>
public readonly record struct AddRegionMessage(ushort Index, ulong Size);

/// <summary>ADD_RING: where a ring lives; the eventfd rides along.</summary>
public readonly record struct AddRingMessage(ushort Flags, ushort Index, ushort Region, uint Offset, byte Log2RingSize, ushort PrivateHeaderSize)
{
    /// <summary>True for a ring the client writes (S2M / C2S).</summary>
    public bool IsS2M => (Flags & MemifMessageLayout.AddRingFlagS2M) != 0;
}

/// <summary>CONNECT: the client's interface name.</summary>
public readonly record struct ConnectMessage(string InterfaceName);

/// <summary>CONNECTED: the server's interface name.</summary>
public readonly record struct ConnectedMessage(string InterfaceName);

/// <summary>DISCONNECT: a code (always 0 in practice) and a readable reason.</summary>
public readonly record struct DisconnectMessage(uint Code, string Reason);
