namespace Descsock.Agent;

/// <summary>What the agent does with a service's frames.</summary>
public enum ServiceMode
{
    /// <summary>Every frame comes back to the tenant that sent it (MACs swapped if asked).</summary>
    Echo,
    /// <summary>Frames are counted and dropped.</summary>
    Sink,
    /// <summary>An L2 learning switch across every tenant of the service's switch group.</summary>
    Switch,
    /// <summary>Bridged to a Linux TAP interface, so the kernel's tools can talk to the tenant.</summary>
    Tap,
    /// <summary>
    /// A traffic source, like testpmd's <c>txonly</c>: the agent fills every buffer the tenant
    /// posts with a generated <see cref="ServiceSettings.FrameSize"/>-byte UDP frame; the tenant's
    /// own frames are counted and dropped.
    /// </summary>
    Source,
}
