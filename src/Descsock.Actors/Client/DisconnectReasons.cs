using Descsock.Interop;
namespace Descsock.Client;

/// <summary>
/// Maps a memif DISCONNECT reason to the errno the application sees. The strings are DPDK's,
/// VPP's and libmemif's (notes §1.8) and our own agent's, matched case-insensitively.
/// </summary>
public static class DisconnectReasons
{
    /// <summary>Reason our agent and DPDK send for an unknown or not-yet-started id.</summary>
    public const string IdNotFound = "ID not found";

    /// <summary>The errno for <paramref name="reason"/>.</summary>
    public static int ToErrno(string reason)
    {
        string r = reason.ToLowerInvariant();
        if (r.Contains("secret")) return Errno.EACCES;
        if (r.Contains("not permitted") || r.Contains("denied") || r.Contains("must be sealed")) return Errno.EACCES;
        if (r.Contains("already connected") || r.Contains("in use")) return Errno.EADDRINUSE;
        if (r.Contains("version")) return Errno.EPROTO;
        return Errno.ECONNREFUSED;
    }

    /// <summary>True for the transient refusal a starting DPDK server gives.</summary>
    public static bool IsIdNotFound(string reason) =>
        reason.Contains("id not found", StringComparison.OrdinalIgnoreCase) ||
        reason.Contains("unmatched interface id", StringComparison.OrdinalIgnoreCase);
}
