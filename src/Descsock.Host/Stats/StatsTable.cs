using System.Globalization;
namespace Descsock.Host.Stats;

/// <summary>
/// <c>descsock stats</c>'s readable form: one row per service, numbers right-aligned under
/// their headers, columns as wide as their widest cell.
/// </summary>
internal static class StatsTable
{
    private static readonly string[] Headers =
        ["svc_id", "mode", "state", "frames_in", "bytes_in", "frames_out", "bytes_out", "drops_invalid", "drops_no_room", "drops_sink"];

    /// <summary>Columns holding text (left-aligned); the others hold numbers.</summary>
    private static bool IsText(int column) => column is 1 or 2;

    /// <summary>Writes the agent line, the header row and a row per service.</summary>
    public static void Write(StatsDocument doc, TextWriter output)
    {
        var rows = doc.Services.Select(Row).ToList();
        var widths = Headers.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        output.WriteLine($"agent {doc.Agent}: {doc.Services.Count} services");
        output.WriteLine(Line(Headers, widths));
        foreach (var row in rows) output.WriteLine(Line(row, widths));
    }

    private static string[] Row(StatsDocument.Service s) =>
    [
        N(s.SvcId), s.Mode, StatsDocument.StateName(s.InUse), N(s.FramesIn), N(s.BytesIn), N(s.FramesOut), N(s.BytesOut),
        N(s.DropsInvalid), N(s.DropsNoRoom), N(s.DropsSink),
    ];

    // Plain digits, no group separators: the table is for eyes but also for grep and awk.
    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, c) => IsText(c) ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd();
}
