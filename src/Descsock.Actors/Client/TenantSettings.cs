using Descsock.Wire;
namespace Descsock.Client;

/// <summary>Everything the engine needs to register one tenant with an agent.</summary>
public sealed record TenantSettings
{
    /// <summary>The agent's master socket: a path, or <c>@name</c> for an abstract socket.</summary>
    public required string MasterSocketPath { get; init; }

    /// <summary>The seed's <c>dma_shmem_path</c>; null or empty means a sealed anonymous memfd.</summary>
    public string? DmaShmemPath { get; init; }

    /// <summary>Service id: the memif interface id sent in INIT.</summary>
    public required uint SvcId { get; init; }

    /// <summary>Optional memif secret (at most 23 ASCII characters).</summary>
    public MemifSecret Secret { get; init; } = MemifSecret.None;

    /// <summary>Our name in INIT and CONNECT.</summary>
    public string Name { get; init; } = "descsock";

    /// <summary>Requested log2 of the ring size; the agent's HELLO may lower it.</summary>
    public int Log2RingSize { get; init; } = 10;

    /// <summary>Bytes per packet buffer.</summary>
    public int BufferSize { get; init; } = 2048;

    /// <summary>Receive-pool buffers, as a multiple of the ring size (at least 1).</summary>
    public int ReceivePoolRings { get; init; } = 2;

    /// <summary>Largest frame on the wire, without CRC (default: 9216-byte jumbo frames, chained).</summary>
    public int MaxWireFrame { get; init; } = 9216;

    /// <summary>How long each handshake step may take.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long to keep retrying when the agent answers "ID not found": a DPDK server refuses
    /// INIT until its port has started, a fraction of a second after it begins listening.
    /// </summary>
    public TimeSpan IdNotFoundRetry { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Re-registration after the agent goes away.</summary>
    public ReconnectPolicy Reconnect { get; init; } = new();
}
