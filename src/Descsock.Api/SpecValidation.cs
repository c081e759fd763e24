using Descsock.Client;
using Descsock.Interop;
using Descsock.Wire;
namespace Descsock;

/// <summary>Checks a <see cref="DescsockClientSpec"/> and turns it into engine settings; EINVAL with the reason otherwise.</summary>
internal static class SpecValidation
{
    public static TenantSettings ToSettings(DescsockClientSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Require(!string.IsNullOrEmpty(spec.MasterSocketPath), "MasterSocketPath is empty");
        Require(spec.MasterSocketPath.Length < DescsockClientSpec.PathLength, $"MasterSocketPath is longer than {DescsockClientSpec.PathLength - 1} characters");
        Require(spec.DmaShmemPath is null || spec.DmaShmemPath.Length < DescsockClientSpec.PathLength, $"DmaShmemPath is longer than {DescsockClientSpec.PathLength - 1} characters");
        Require(spec.SvcId is >= 0 and <= uint.MaxValue, $"SvcId {spec.SvcId} is outside 0..{uint.MaxValue}");
        Require(spec.RingSizeLog2 is >= RingLayout.MinLog2Size and <= RingLayout.MaxLog2Size, $"RingSizeLog2 {spec.RingSizeLog2} is outside {RingLayout.MinLog2Size}..{RingLayout.MaxLog2Size}");
        Require(spec.BufferSize is >= 128 and <= 65535, $"BufferSize {spec.BufferSize} is outside 128..65535");
        Require(spec.MaxFrameSize is >= 64 and <= 65535, $"MaxFrameSize {spec.MaxFrameSize} is outside 64..65535");
        Require((spec.MaxFrameSize + spec.BufferSize - 1) / spec.BufferSize <= (1 << spec.RingSizeLog2),
            $"a {spec.MaxFrameSize}-byte frame needs more {spec.BufferSize}-byte buffers than the ring holds");
        Require(spec.HandshakeTimeout > TimeSpan.Zero, "HandshakeTimeout must be positive");
        Require(spec.ReconnectInitialDelay >= TimeSpan.Zero && spec.ReconnectMaxDelay >= spec.ReconnectInitialDelay,
            "ReconnectInitialDelay must be at least 0 and at most ReconnectMaxDelay");
        Require(spec.ReconnectWait >= TimeSpan.Zero || spec.ReconnectWait == Timeout.InfiniteTimeSpan, "ReconnectWait must not be negative");
        MemifSecret secret;
        try { secret = MemifSecret.FromString(spec.Secret); }
        catch (ArgumentException e) { throw new DescsockException(Errno.EINVAL, $"Secret: {e.Message}"); }
        return new TenantSettings
        {
            MasterSocketPath = spec.MasterSocketPath,
            DmaShmemPath = spec.DmaShmemPath,
            SvcId = (uint)spec.SvcId,
            Secret = secret,
            Name = spec.Name,
            Log2RingSize = spec.RingSizeLog2,
            BufferSize = spec.BufferSize,
            MaxWireFrame = spec.MaxFrameSize,
            HandshakeTimeout = spec.HandshakeTimeout,
            Reconnect = new ReconnectPolicy
            {
                Enabled = spec.Reconnect,
                InitialDelay = spec.ReconnectInitialDelay,
                MaxDelay = spec.ReconnectMaxDelay,
            },
        };
    }

    private static void Require(bool condition, string reason)
    {
        if (!condition) throw new DescsockException(Errno.EINVAL, $"invalid descsock spec: {reason}");
    }
}
