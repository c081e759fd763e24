using System.Buffers.Binary;
namespace Descsock.Agent;

/// <summary>
/// A learning switch's table: where each source MAC was last seen, forgotten after the ageing
/// time. Keys are the 48-bit address in a long. Single-threaded (the plane's thread).
/// </summary>
public sealed class MacTable(TimeSpan ageing)
{
    private readonly Dictionary<long, (AgentPort Port, long Seen)> _entries = new();
    private readonly long _ageingMs = (long)ageing.TotalMilliseconds;

    /// <summary>Entries currently known.</summary>
    public int Count => _entries.Count;

    /// <summary>The 48-bit address at <paramref name="mac"/>.</summary>
    public static long Key(ReadOnlySpan<byte> mac) => (long)BinaryPrimitives.ReadUInt32BigEndian(mac) << 16 | BinaryPrimitives.ReadUInt16BigEndian(mac[4..]);

    /// <summary>True for broadcast and multicast addresses (group bit set).</summary>
    public static bool IsGroup(ReadOnlySpan<byte> mac) => (mac[0] & 1) != 0;

    /// <summary>Records that <paramref name="mac"/> lives behind <paramref name="port"/>.</summary>
    public void Learn(long mac, AgentPort port, long now) => _entries[mac] = (port, now);

    /// <summary>The port behind <paramref name="mac"/>, or null when unknown or aged out.</summary>
    public AgentPort? Lookup(long mac, long now)
    {
        if (!_entries.TryGetValue(mac, out var e)) return null;
        if (now - e.Seen <= _ageingMs) return e.Port;
        _entries.Remove(mac);
        return null;
    }

    /// <summary>Forgets every address behind <paramref name="port"/> (it disconnected).</summary>
    public void Forget(AgentPort port)
    {
        foreach (var (mac, e) in _entries)
            if (ReferenceEquals(e.Port, port)) _entries.Remove(mac);
    }
}
