using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Descsock.Agent;
using Descsock.Client;
namespace Descsock.Diagnostics;

/// <summary>
/// The <c>Descsock</c> meter (<c>dotnet-counters monitor --counters Descsock</c>). Every
/// instrument is observable: it reads the counters the data path keeps anyway (plain 64-bit
/// fields written by one thread) when a listener asks, so metrics cost the data path nothing —
/// no per-frame call, allocation or lock. Tenants and agents register while they live.
/// Tags: <c>svc_id</c>, and <c>direction</c> or <c>reason</c> where the instrument has them.
/// </summary>
public static class DescsockMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Descsock";

    private static readonly ConcurrentDictionary<TenantEndpoint, uint> Tenants = new();
    private static readonly ConcurrentDictionary<object, Func<IEnumerable<(uint SvcId, ServiceCounters Counters)>>> Agents = new();

    /// <summary>The meter.</summary>
    public static Meter Meter { get; } = new(MeterName, "1.0");

    static DescsockMetrics()
    {
        Meter.CreateObservableCounter("descsock.tenant.frames", () => TenantMeasurements(
            (s, _) => [(s.FramesSent, "sent"), (s.FramesReceived, "received")], "direction"), "{frame}", "Frames a tenant socket sent and received");
        Meter.CreateObservableCounter("descsock.tenant.bytes", () => TenantMeasurements(
            (s, _) => [(s.BytesSent, "sent"), (s.BytesReceived, "received")], "direction"), "By", "Bytes (without CRC) a tenant socket sent and received");
        Meter.CreateObservableCounter("descsock.tenant.drops", () => TenantMeasurements(
            (s, _) => [(s.ReceiveDropsInvalid, "invalid"), (s.SendLostOnDisconnect, "lost_on_disconnect_send"), (s.ReceiveLostOnDisconnect, "lost_on_disconnect_receive")], "reason"),
            "{frame}", "Frames a tenant socket dropped or lost, by reason");
        Meter.CreateObservableCounter("descsock.tenant.reconnects", () => TenantMeasurements(
            (s, _) => [(s.Reconnects, null)], null), "{reconnect}", "Times a tenant socket re-registered with its agent");
        Meter.CreateObservableGauge("descsock.tenant.ring.occupancy", () => TenantMeasurements(
            (_, e) => e.Resources is { } r ? [(r.Transmitter.Unconsumed, "transmit"), (r.Receiver.Queued, "receive")] : [], "ring"),
            "{descriptor}", "Descriptors waiting: sent but not consumed by the agent, received but not read");
        Meter.CreateObservableCounter("descsock.agent.frames", () => AgentMeasurements(
            c => [(c.FramesIn, "in"), (c.FramesOut, "out")], "direction"), "{frame}", "Frames the agent received from and delivered to tenants");
        Meter.CreateObservableCounter("descsock.agent.bytes", () => AgentMeasurements(
            c => [(c.BytesIn, "in"), (c.BytesOut, "out")], "direction"), "By", "Bytes the agent received from and delivered to tenants");
        Meter.CreateObservableCounter("descsock.agent.drops", () => AgentMeasurements(
            c => [(c.DropsInvalid, "invalid"), (c.DropsNoRoom, "no_room"), (c.DropsSink, "sink")], "reason"), "{frame}", "Frames the agent dropped, by reason");
    }

    /// <summary>Reports <paramref name="endpoint"/> until <see cref="Unregister(TenantEndpoint)"/>.</summary>
    public static void Register(TenantEndpoint endpoint, uint svcId) => Tenants[endpoint] = svcId;

    /// <summary>Stops reporting <paramref name="endpoint"/>.</summary>
    public static void Unregister(TenantEndpoint endpoint) => Tenants.TryRemove(endpoint, out _);

    /// <summary>Reports an agent's per-service counters (read through <paramref name="services"/>) until unregistered with <paramref name="owner"/>.</summary>
    public static void RegisterAgent(object owner, Func<IEnumerable<(uint SvcId, ServiceCounters Counters)>> services) => Agents[owner] = services;

    /// <summary>Stops reporting the agent registered with <paramref name="owner"/>.</summary>
    public static void UnregisterAgent(object owner) => Agents.TryRemove(owner, out _);

    private static IEnumerable<Measurement<long>> TenantMeasurements(
        Func<EndpointTotals, TenantEndpoint, (long Value, string? Tag)[]> values, string? tagName)
    {
        foreach (var (endpoint, svcId) in Tenants)
        {
            foreach (var (value, tag) in values(EndpointTotals.Of(endpoint), endpoint))
                yield return Measure(value, svcId, tagName, tag);
        }
    }

    private static IEnumerable<Measurement<long>> AgentMeasurements(Func<ServiceCounters, (long Value, string Tag)[]> values, string tagName)
    {
        foreach (var services in Agents.Values)
            foreach (var (svcId, counters) in services())
                foreach (var (value, tag) in values(counters))
                    yield return Measure(value, svcId, tagName, tag);
    }

    private static Measurement<long> Measure(long value, uint svcId, string? tagName, string? tag) =>
        tagName is null || tag is null
            ? new Measurement<long>(value, new KeyValuePair<string, object?>("svc_id", svcId))
            : new Measurement<long>(value, new KeyValuePair<string, object?>("svc_id", svcId), new KeyValuePair<string, object?>(tagName, tag));
}
