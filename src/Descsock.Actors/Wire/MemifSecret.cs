using System.Security.Cryptography;
using System.Text;
namespace Descsock.Wire;

/// <summary>
/// The memif secret: a 24-byte NUL-padded field, compared in constant time (security rule 13)
/// and never shown by <see cref="ToString"/>. At most 23 ASCII characters, as DPDK holds.
/// </summary>
public readonly struct MemifSecret
{
    private readonly byte[]? _bytes; // always SecretSize bytes when set

    private MemifSecret(byte[] bytes) => _bytes = bytes;

    /// <summary>No secret.</summary>
    public static MemifSecret None => default;

    /// <summary>True when there is no secret (all zero).</summary>
    public bool IsEmpty => _bytes is null || _bytes[0] == 0;

    /// <summary>The raw 24 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[MemifMessageLayout.SecretSize];

    /// <summary>From text; null or empty is <see cref="None"/>. Throws ArgumentException past 23 characters or for non-ASCII.</summary>
    public static MemifSecret FromString(string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return None;
        if (secret.Length > MemifMessageLayout.SecretSize - 1)
            throw new ArgumentException($"a memif secret holds at most {MemifMessageLayout.SecretSize - 1} characters", nameof(secret));
        foreach (char c in secret)
            if (c is < ' ' or > '~') throw new ArgumentException("a memif secret must be printable ASCII", nameof(secret));
        var bytes = new byte[MemifMessageLayout.SecretSize];
        Encoding.ASCII.GetBytes(secret, bytes);
        return new MemifSecret(bytes);
    }

    /// <summary>From the 24 raw bytes of a received INIT (untrusted: may lack a NUL).</summary>
    public static MemifSecret FromWire(ReadOnlySpan<byte> field)
    {
        var bytes = new byte[MemifMessageLayout.SecretSize];
        field[..MemifMessageLayout.SecretSize].CopyTo(bytes);
        return new MemifSecret(bytes);
    }

    /// <summary>Compares all 24 bytes in constant time.</summary>
    public bool EqualsConstantTime(in MemifSecret other) => CryptographicOperations.FixedTimeEquals(Bytes, other.Bytes);

    /// <summary>Never reveals the secret.</summary>
    public override string ToString() => IsEmpty ? "(none)" : "***";
}
