using System.Text.Json.Serialization;
namespace Descsock.Host.Stats;

/// <summary>
/// Source-generated System.Text.Json metadata for <see cref="StatsDocument"/>: camelCase names,
/// indented so that the raw answer (<c>descsock stats --json</c>) reads well too.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StatsDocument))]
internal sealed partial class StatsJsonContext : JsonSerializerContext;
