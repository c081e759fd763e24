namespace Descsock.Agent;

/// <summary>One service the agent offers: the svc_id tenants register with, and what happens to their frames.</summary>
public sealed record ServiceSettings
{
    /// <summary>The service id (memif interface id).</summary>
    public uint SvcId { get; init; }

    /// <summary>What the agent does with the frames.</summary>
    public ServiceMode Mode { get; init; } = ServiceMode.Echo;

    /// <summary>Optional secret the tenant must present (at most 23 ASCII characters).</summary>
    public string? Secret { get; init; }

    /// <summary>For <see cref="ServiceMode.Switch"/>: services with the same group share one switch.</summary>
    public string Group { get; init; } = "default";

    /// <summary>For <see cref="ServiceMode.Echo"/>: swap destination and source MAC on the way back.</summary>
    public bool SwapMacs { get; init; }

    /// <summary>For <see cref="ServiceMode.Tap"/>: the interface name (default <c>dstap</c> and the id).</summary>
    public string? TapName { get; init; }

    /// <summary>The TAP interface name this service uses.</summary>
    public string EffectiveTapName => string.IsNullOrEmpty(TapName) ? $"dstap{SvcId}" : TapName;
}
