using System.Diagnostics.Metrics;
using Descsock.Agent;
using Descsock.Diagnostics;
using Descsock.Host.Ping;
using Descsock.Tests.Agent;
namespace Descsock.Tests.Diagnostics;

/// <summary>The <c>Descsock</c> meter, read the way dotnet-counters reads it: with a <see cref="MeterListener"/>.</summary>
[Collection("testpmd")]
public class MetricsTests
{
    /// <summary>Collects one observation of every Descsock instrument: (instrument, svc_id, tag) → value.</summary>
    private static Dictionary<(string Instrument, uint SvcId, string? Tag), long> Observe()
    {
        var seen = new Dictionary<(string, uint, string?), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DescsockMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            uint svc = 0;
            string? tag = null;
            foreach (var t in tags)
            {
                if (t.Key == "svc_id") svc = (uint)t.Value!;
                else tag = (string?)t.Value;
            }
            seen[(instrument.Name, svc, tag)] = seen.GetValueOrDefault((instrument.Name, svc, tag)) + value; // tenants and agent may share an id
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    [Fact]
    public async Task Tenant_and_agent_instruments_report_the_frames_that_went_through()
    {
        const uint svc = 4711;
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = svc, Mode = ServiceMode.Echo });
        using (var tenant = DescsockSocket.Open(agent.Spec(svc)))
        {
            Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 1000 }).Success);
            await agent.WaitForAsync(svc, s => s.FramesOut == 1000);
            var m = Observe();
            Assert.Equal(1000, m[("descsock.tenant.frames", svc, "sent")]);
            Assert.Equal(1000, m[("descsock.tenant.frames", svc, "received")]);
            Assert.Equal(m[("descsock.tenant.bytes", svc, "sent")], m[("descsock.tenant.bytes", svc, "received")]);
            Assert.Equal(0, m[("descsock.tenant.reconnects", svc, null)]);
            Assert.Equal(0, m[("descsock.tenant.drops", svc, "invalid")]);
            Assert.True(m.ContainsKey(("descsock.tenant.ring.occupancy", svc, "transmit")));
            Assert.Equal(1000, m[("descsock.agent.frames", svc, "in")]);
            Assert.Equal(1000, m[("descsock.agent.frames", svc, "out")]);
            Assert.Equal(m[("descsock.tenant.bytes", svc, "sent")], m[("descsock.agent.bytes", svc, "in")]);
            Assert.Equal(0, m[("descsock.agent.drops", svc, "no_room")]);
        }
        Assert.False(Observe().ContainsKey(("descsock.tenant.frames", svc, "sent")), "a closed socket must stop reporting");
    }
}
