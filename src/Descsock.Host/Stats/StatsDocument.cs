using System.Text;
using System.Text.Json;
using Descsock.Agent;
namespace Descsock.Host.Stats;

/// <summary>
/// What the agent's stats socket answers, once per connection: the master socket it serves and
/// every configured service's counters, sorted by svc_id. Written by <c>AgentStatsServer</c>,
/// read by <c>descsock stats</c>; the JSON names are camelCase (<see cref="StatsJsonContext"/>).
/// </summary>
internal sealed record StatsDocument(string Agent, IReadOnlyList<StatsDocument.Service> Services)
{
    /// <summary>One service's counters; <see cref="Mode"/> is <c>echo</c>, <c>sink</c> or <c>switch</c>.</summary>
    internal sealed record Service(uint SvcId, string Mode, bool InUse, long FramesIn, long BytesIn, long FramesOut, long BytesOut,
        long DropsInvalid, long DropsNoRoom, long DropsSink);

    /// <summary>The document for the agent actor's snapshot.</summary>
    public static StatsDocument From(string agentSocket, Descsock.Agent.Agent.Stats stats) => new(agentSocket,
        stats.Services.Values.OrderBy(s => s.SvcId)
            .Select(s => new Service(s.SvcId, ModeName(s.Mode), s.InUse, s.FramesIn, s.BytesIn, s.FramesOut, s.BytesOut,
                s.DropsInvalid, s.DropsNoRoom, s.DropsSink))
            .ToList());

    /// <summary>The document as indented UTF-8 JSON ending in a newline (so <c>nc -U</c> shows it as it is).</summary>
    public byte[] ToUtf8Json() =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, StatsJsonContext.Default.StatsDocument) + "\n");

    /// <summary>Parses an answer; a malformed one is EPROTO (the peer is not a descsock agent, or a different version).</summary>
    public static StatsDocument Parse(string json, string source)
    {
        try
        {
            var doc = JsonSerializer.Deserialize(json, StatsJsonContext.Default.StatsDocument);
            if (doc?.Agent is not null && doc.Services is not null) return doc;
        }
        catch (JsonException e)
        {
            throw new DescsockException(Interop.Errno.EPROTO, $"'{source}' answered something that is not the agent's counters: {e.Message}");
        }
        throw new DescsockException(Interop.Errno.EPROTO, $"'{source}' answered a document without \"agent\" and \"services\"");
    }

    /// <summary>A mode as logs, tables and the JSON spell it.</summary>
    public static string ModeName(ServiceMode mode) => mode switch
    {
        ServiceMode.Echo => "echo",
        ServiceMode.Sink => "sink",
        ServiceMode.Switch => "switch",
        _ => mode.ToString().ToLowerInvariant(),
    };

    /// <summary>Whether a tenant holds the service id, in words.</summary>
    public static string StateName(bool inUse) => inUse ? "in-use" : "idle";
}
