using System.Globalization;
namespace Descsock.Host;

/// <summary>
/// A small <c>--name value</c> parser with errors that say which option is wrong; the names in
/// <c>flags</c> stand alone (<c>--json</c>).
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public static Arguments Parse(string[] args, params string[] flags)
    {
        var a = new Arguments();
        for (int i = 0; i < args.Length; i++)
        {
            bool isOption = args[i].StartsWith("--", StringComparison.Ordinal) || (args[i].Length == 2 && args[i][0] == '-'); // -w, as tcpdump
            if (!isOption) throw new ArgumentException($"unexpected argument '{args[i]}'");
            if (flags.Contains(args[i]))
            {
                a._values[args[i]] = "";
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"option {args[i]} needs a value");
            a._values[args[i]] = args[++i];
        }
        return a;
    }

    public string Required(string name) => Optional(name) ?? throw new ArgumentException($"option {name} is required");

    public string? Optional(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public bool Flag(string name) => Optional(name) is not null;

    public long Long(string name, long? fallback)
    {
        string? v = Optional(name);
        if (v is null) return fallback ?? throw new ArgumentException($"option {name} is required");
        return long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
            ? n : throw new ArgumentException($"option {name}: '{v}' is not a whole number");
    }

    public void RejectUnknown()
    {
        foreach (var k in _values.Keys)
            if (!_used.Contains(k)) throw new ArgumentException($"unknown option {k}");
    }
}
