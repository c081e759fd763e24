namespace Descsock.Hosting;

/// <summary>
/// A tenant's settings as configuration binds them (section <c>Descsock</c> by convention):
/// the seed's three fields and the optional ones of <see cref="DescsockClientSpec"/>.
/// </summary>
public sealed class DescsockOptions
{
    /// <summary>The agent's master socket (a path, or <c>@name</c>).</summary>
    public string MasterSocketPath { get; set; } = "/run/descsock/agent.sock";
    /// <summary>The service id to register.</summary>
    public long SvcId { get; set; }
    /// <summary>The seed's <c>dma_shmem_path</c>; empty for a sealed memfd.</summary>
    public string? DmaShmemPath { get; set; }
    /// <summary>Optional memif secret.</summary>
    public string? Secret { get; set; }
    /// <summary>Name announced to the agent.</summary>
    public string Name { get; set; } = "descsock";
    /// <summary>log2 of the ring size.</summary>
    public int RingSizeLog2 { get; set; } = 10;
    /// <summary>Re-register automatically when the agent goes away.</summary>
    public bool Reconnect { get; set; } = true;

    /// <summary>The equivalent spec.</summary>
    public DescsockClientSpec ToSpec() => new()
    {
        MasterSocketPath = MasterSocketPath,
        SvcId = SvcId,
        DmaShmemPath = string.IsNullOrEmpty(DmaShmemPath) ? null : DmaShmemPath,
        Secret = string.IsNullOrEmpty(Secret) ? null : Secret,
        Name = Name,
        RingSizeLog2 = RingSizeLog2,
        Reconnect = Reconnect,
    };
}
