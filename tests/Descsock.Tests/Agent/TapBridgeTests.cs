using System.Diagnostics;
using System.Net;
using Descsock.Agent;
using Descsock.Examples.Responder;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>
/// A tap service end to end: the agent bridges it to a real TAP interface, the test moves that
/// interface into a network namespace of its own (so nothing on the host is touched), and the
/// kernel there pings an address answered by the C# ARP + ICMP responder example, a tenant.
/// Reported skipped, with the reason, only where the machine cannot make TAP interfaces or
/// namespaces (not root, no /dev/net/tun, no CAP_NET_ADMIN / CAP_SYS_ADMIN).
/// </summary>
[Collection("testpmd")]
public class TapBridgeTests(ITestOutputHelper output)
{
    private const uint SvcId = 40;

    [SkippableFact]
    public async Task The_kernel_pings_a_csharp_tenant_through_a_tap_service()
    {
        string suffix = $"{Environment.ProcessId % 100000}";
        string ns = $"dsns{suffix}", tap = $"dstap{suffix}";
        SkipUnlessTapAndNamespacesWork(ns);
        try
        {
            await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = SvcId, Mode = ServiceMode.Tap, TapName = tap });
            using var tenant = DescsockSocket.Open(agent.Spec(SvcId));
            var responder = new ArpIcmpResponder(IPAddress.Parse("10.203.0.2"), [0x02, 0, 0, 0, 0, 0x02]);
            using var stop = new CancellationTokenSource();
            var loop = Task.Run(() => ResponderLoop.RunAsync(tenant, responder, stop.Token));

            Run("ip", $"link set {tap} netns {ns}");
            Run("ip", $"-n {ns} addr add 10.203.0.1/24 dev {tap}");
            Run("ip", $"-n {ns} link set {tap} up");
            var (code, text) = Run("ip", $"netns exec {ns} ping -c 20 -i 0.05 -W 2 10.203.0.2", check: false);
            output.WriteLine(text);
            stop.Cancel();
            await loop;

            Assert.True(code == 0, $"ping failed (exit {code}):\n{text}");
            Assert.Contains("20 packets transmitted, 20 received", text);
            Assert.True(responder.ArpReplies >= 1, "the kernel's ARP request never reached the tenant");
            Assert.Equal(20, responder.EchoReplies);
            var s = (await agent.StatsAsync()).Services[SvcId];
            output.WriteLine($"agent: {s}");
            Assert.True(s.FramesOut >= 21 && s.FramesIn >= 21, $"the agent's counters do not show the exchange: {s}");
            Assert.Equal(0, s.DropsInvalid);
        }
        finally
        {
            Run("ip", $"netns del {ns}", check: false);
        }
    }

    private void SkipUnlessTapAndNamespacesWork(string ns)
    {
        Skip.If(Descsock.Interop.Libc.GetEuid() != 0, "needs root to create TAP interfaces and network namespaces");
        Skip.IfNot(File.Exists("/dev/net/tun"), "/dev/net/tun does not exist on this machine");
        Run("ip", $"netns del {ns}", check: false); // left over from an aborted run
        var (code, text) = Run("ip", $"netns add {ns}", check: false);
        Skip.If(code != 0, $"cannot create a network namespace here: {text.Trim()}");
    }

    private static (int Code, string Text) Run(string file, string arguments, bool check = true)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({p.ExitCode}): {text}");
        return (p.ExitCode, text);
    }
}
