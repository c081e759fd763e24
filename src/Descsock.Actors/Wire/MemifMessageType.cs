namespace Descsock.Wire;

/// <summary>memif control message types (u16 at byte 0 of every 128-byte message).</summary>
public enum MemifMessageType : ushort
{
    /// <summary>Not a message.</summary>
    None = 0,
    /// <summary>Server → client: the last message was accepted.</summary>
    Ack = 1,
    /// <summary>Server → client, first: name, versions and limits.</summary>
    Hello = 2,
    /// <summary>Client → server: interface id, mode, secret, name.</summary>
    Init = 3,
    /// <summary>Client → server, with the region's fd.</summary>
    AddRegion = 4,
    /// <summary>Client → server, with the ring's eventfd.</summary>
    AddRing = 5,
    /// <summary>Client → server: all regions and rings are added.</summary>
    Connect = 6,
    /// <summary>Server → client: the rings are live.</summary>
    Connected = 7,
    /// <summary>Either way: goodbye, with a reason.</summary>
    Disconnect = 8,
}
