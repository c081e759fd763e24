using System.Diagnostics;
using Descsock.Agent;
using Descsock.Host.Ping;
namespace Descsock.Tests.Agent;

/// <summary>Tenants as real processes (the descsock executable), killed the hard way.</summary>
[Collection("testpmd")]
public class TenantProcessTests
{
    private static string DescsockDll => Path.Combine(AppContext.BaseDirectory, "descsock.dll");

    [Fact]
    public async Task A_tenant_killed_with_SIGKILL_frees_its_service_id_within_a_second()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 30, Mode = ServiceMode.Echo });
        var psi = new ProcessStartInfo("dotnet", $"{DescsockDll} ping --socket {agent.SocketPath} --svc-id 30 --count 1000000000")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var tenant = Process.Start(psi)!;
        var busy = await agent.WaitForAsync(30, s => s.InUse && s.FramesIn > 1000);
        Assert.True(busy.InUse && busy.FramesIn > 1000, $"the tenant process never got going: {busy}");

        tenant.Kill(); // SIGKILL: no DISCONNECT, no cleanup in the tenant
        var clock = Stopwatch.StartNew();
        while ((await agent.StatsAsync()).Services[30u].InUse && clock.ElapsedMilliseconds < 2000) await Task.Delay(10);
        Assert.True(clock.ElapsedMilliseconds < 1000, $"svc_id 30 was freed only after {clock.ElapsedMilliseconds} ms");

        using var next = DescsockSocket.Open(agent.Spec(30));
        Assert.True(Pinger.Run(next, new PingOptions { Spec = next.Spec, Count = 1000 }).Success);
    }
}
