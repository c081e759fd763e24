using System.Text.RegularExpressions;
namespace Descsock.Host.Peers;

/// <summary>Port counters from testpmd's periodic "NIC statistics" block (bytes exclude CRC).</summary>
public sealed partial record TestPmdStats(long RxPackets, long RxBytes, long TxPackets, long TxBytes)
{
    [GeneratedRegex(@"RX-packets:\s+(\d+)\s+RX-missed:\s+\d+\s+RX-bytes:\s+(\d+)")]
    private static partial Regex Rx();

    [GeneratedRegex(@"TX-packets:\s+(\d+)\s+TX-errors:\s+\d+\s+TX-bytes:\s+(\d+)")]
    private static partial Regex Tx();

    /// <summary>The RX packets and bytes of one "RX-packets:" line, or null.</summary>
    public static (long Packets, long Bytes)? RxLine(string line) =>
        Rx().Match(line) is { Success: true } m ? (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value)) : null;

    /// <summary>The TX packets and bytes of one "TX-packets:" line, or null.</summary>
    public static (long Packets, long Bytes)? TxLine(string line) =>
        Tx().Match(line) is { Success: true } m ? (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value)) : null;

    /// <summary>The last periodic block in <paramref name="output"/>, or null.</summary>
    public static TestPmdStats? LastIn(string output)
    {
        var rx = Rx().Matches(output);
        var tx = Tx().Matches(output);
        if (rx.Count == 0 || tx.Count == 0) return null;
        var r = rx[^1];
        var t = tx[^1];
        return new TestPmdStats(long.Parse(r.Groups[1].Value), long.Parse(r.Groups[2].Value),
            long.Parse(t.Groups[1].Value), long.Parse(t.Groups[2].Value));
    }
}
