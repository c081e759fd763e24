namespace Descsock;

/// <summary>
/// The seed's <c>descsock_client_spec_t</c>: where the shared memory lives, where the agent
/// listens, and which service to register with; plus optional tuning with sane defaults.
/// </summary>
public sealed record DescsockClientSpec
{
    /// <summary>Longest path the seed's C struct holds (DESCSOCK_PATHLEN), NUL included.</summary>
    public const int PathLength = 108;

    /// <summary>
    /// The shared-memory file the library creates (an existing file is zeroed and resized),
    /// preferably on a 2 MiB hugetlbfs mount; unmapped and removed on close. Null or empty: an
    /// anonymous sealed memfd, which strict agents prefer.
    /// </summary>
    public string? DmaShmemPath { get; init; }

    /// <summary>The DMA agent's master socket: a file path, or <c>@name</c> for an abstract socket.</summary>
    public required string MasterSocketPath { get; init; }

    /// <summary>The service id to register as (the memif interface id), 0..2^32-1.</summary>
    public required long SvcId { get; init; }

    /// <summary>log2 of the ring size (1..14, default 10 = 1024 descriptors); the agent may lower it.</summary>
    public int RingSizeLog2 { get; init; } = 10;

    /// <summary>Bytes per packet buffer (128..65535, default 2048); larger frames are chained.</summary>
    public int BufferSize { get; init; } = 2048;

    /// <summary>Largest Ethernet frame without CRC (64..65535, default 9216, jumbo).</summary>
    public int MaxFrameSize { get; init; } = 9216;

    /// <summary>Optional memif secret the agent checks (at most 23 ASCII characters).</summary>
    public string? Secret { get; init; }

    /// <summary>Name announced to the agent (default "descsock").</summary>
    public string Name { get; init; } = "descsock";

    /// <summary>How long Open waits for each handshake step (default 5 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Re-register automatically when the agent or the control connection goes away (default
    /// true). The socket stays valid; see the README's "Failure behaviour".
    /// </summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>First delay before re-registering (default 100 ms); doubles per failed attempt, ± 20 % jitter.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between re-registration attempts (default 5 s).</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a blocking Send or Recv waits for re-registration before failing with ENOTCONN
    /// (default 30 s). Non-blocking calls return ENOTCONN at once while reconnecting.
    /// </summary>
    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromSeconds(30);
}
