using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Descsock.Wire;
namespace Descsock.Host.Commands;

/// <summary>
/// Options that check their own values. Numbers parse in a <see cref="Option{T}.CustomParser"/>
/// rather than a validator: a validator that reads a value System.CommandLine could not convert
/// throws instead of reporting, and one message ("option --x: 'v' is not ...") covers both a
/// malformed and an out-of-range value. A single-valued option given twice takes the last value,
/// as the old parser did and as <c>scripts/demo.sh --count N</c> relies on (it passes its own
/// <c>--count</c> first).
/// </summary>
internal static class CliOptions
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<T> Integer<T>(string name, string description, T min, T max, string helpName = "N")
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        string requirement = max == T.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}";
        return Number<T>(name, description, helpName, NumberStyles.Integer, v => v >= min && v <= max, requirement);
    }

    /// <summary>A duration in seconds, fractions allowed, more than 0 and at most a day.</summary>
    public static Option<double> Seconds(string name, string description) =>
        Number<double>(name, description, "S", NumberStyles.Float, v => double.IsFinite(v) && v > 0 && v <= 86_400,
            "a number of seconds greater than 0 and at most 86400");

    private static Option<T> Number<T>(string name, string description, string helpName, NumberStyles styles, Func<T, bool> valid, string requirement)
        where T : struct, INumber<T>
    {
        return new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            Arity = ArgumentArity.OneOrMore, // one value per occurrence; the last one counts
            CustomParser = result =>
            {
                if (LastValue(result, name) is not string text) return default;
                if (T.TryParse(text, styles, CultureInfo.InvariantCulture, out T value) && valid(value)) return value;
                result.AddError($"option {name}: '{text}' is not {requirement}");
                return default;
            },
        };
    }

    /// <summary>A text value (a file name, a secret); given twice, the last one counts.</summary>
    public static Option<string> Text(string name, string description, string helpName, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        HelpName = helpName,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result => LastValue(result, name),
    };

    /// <summary>
    /// The value of the option's last occurrence; null, with an error, if an occurrence has none
    /// (<c>--count 5 --count</c>: the arity check sees two identifiers and one value, and is content).
    /// </summary>
    private static string? LastValue(ArgumentResult result, string name)
    {
        if (result.Parent is OptionResult option && option.IdentifierTokenCount > result.Tokens.Count)
        {
            result.AddError($"option {name} needs a value");
            return null;
        }
        return result.Tokens.Count == 0 ? null : result.Tokens[^1].Value; // none: the arity check reports it
    }

    /// <summary>
    /// A socket or shared-memory path: not empty, and short enough for <c>sun_path</c> and the
    /// seed's <c>DESCSOCK_PATHLEN</c> (the library would refuse it later with EINVAL, exit 3).
    /// </summary>
    public static Option<string> Path(string name, string description, bool required = false)
    {
        var option = Text(name, description, "PATH");
        option.Required = required;
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is null) return;
            if (value.Length == 0) result.AddError($"option {name}: the path is empty");
            else if (value.Length >= DescsockClientSpec.PathLength)
                result.AddError($"option {name}: '{value}' is longer than {DescsockClientSpec.PathLength - 1} characters");
        });
        return option;
    }

    /// <summary>The memif secret, checked as the library will check it.</summary>
    public static Option<string> Secret()
    {
        var option = Text("--secret",
            "The service's memif secret, if the agent's configuration sets one: at most 23 printable ASCII characters. Default: none.", "S");
        option.Validators.Add(result =>
        {
            try
            {
                MemifSecret.FromString(result.GetValueOrDefault<string?>());
            }
            catch (ArgumentException e)
            {
                result.AddError($"option --secret: {e.Message.Split(" (Parameter", 2)[0]}");
            }
        });
        return option;
    }

    /// <summary>
    /// A list, given comma-separated (<c>--x a,b</c>), repeated (<c>--x a --x b</c>) or both;
    /// duplicates dropped, order kept. <paramref name="parse"/> returns null for a bad item.
    /// </summary>
    public static Option<T[]> List<T>(string name, string description, string helpName, Func<string, T?> parse, string requirement)
        where T : struct
    {
        return new Option<T[]>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                var items = new List<T>();
                bool bad = false;
                foreach (var token in result.Tokens)
                    foreach (string text in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (parse(text) is T item) items.Add(item);
                        else
                        {
                            result.AddError($"option {name}: '{text}' is not {requirement}");
                            bad = true;
                        }
                    }
                if (items.Count == 0 && !bad) // "--x ," : nothing, and no other message says so
                    result.AddError($"option {name}: the list is empty");
                return items.Distinct().ToArray();
            },
        };
    }
}
