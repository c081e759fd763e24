namespace Descsock.Host.Commands;

/// <summary>
/// Enum values as the command line spells them: <c>OursVsDpdk</c> is <c>ours-vs-dpdk</c>, the
/// way the issue and the benchmark table name them.
/// </summary>
internal static class KebabNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        string name = value.ToString();
        var kebab = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) kebab.Append('-');
            kebab.Append(char.ToLowerInvariant(name[i]));
        }
        return kebab.ToString();
    }

    /// <summary>All names, comma-separated, for help and error messages.</summary>
    public static string All<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(Of));

    /// <summary>The value named <paramref name="text"/> (any case), or null.</summary>
    public static TEnum? Parse<TEnum>(string text) where TEnum : struct, Enum
    {
        foreach (var value in Enum.GetValues<TEnum>())
            if (string.Equals(Of(value), text, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }
}
