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

    /// <summary>
    /// If set, only peers whose uid (as the kernel reports it, SO_PEERCRED) is listed may register;
    /// with <see cref="AllowedGids"/> too, a peer listed in either is admitted.
    /// </summary>
    public IReadOnlyList<uint>? AllowedUids { get; init; }

    /// <summary>If set, only peers whose primary gid is listed may register (see <see cref="AllowedUids"/>).</summary>
    public IReadOnlyList<uint>? AllowedGids { get; init; }

    /// <summary>True when the allow-lists admit a peer with <paramref name="uid"/> and <paramref name="gid"/>.</summary>
    public bool Admits(uint uid, uint gid) =>
        (AllowedUids is null && AllowedGids is null) || (AllowedUids?.Contains(uid) ?? false) || (AllowedGids?.Contains(gid) ?? false);

    /// <summary>For <see cref="ServiceMode.Source"/>: bytes per generated frame, without CRC (60 to the agent's MaxFrame).</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>For <see cref="ServiceMode.Tap"/>: the interface name (default <c>dstap</c> and the id).</summary>
    public string? TapName { get; init; }

    /// <summary>The TAP interface name this service uses.</summary>
    public string EffectiveTapName => string.IsNullOrEmpty(TapName) ? $"dstap{SvcId}" : TapName;
}
