using System.Diagnostics;
using Descsock.Agent;
using Descsock.Host.Ping;
using Descsock.Tests.Agent;
using Xunit.Abstractions;
namespace Descsock.Tests.Host;

/// <summary>
/// <c>descsock capture</c> as a real process on a switch port: every frame the group floods to
/// it lands in a pcap file that Debian's tshark reads back with the right count, lengths and bytes.
/// </summary>
[Collection("testpmd")]
public class CaptureTests(ITestOutputHelper output)
{
    private static string DescsockDll => Path.Combine(AppContext.BaseDirectory, "descsock.dll");

    [Fact]
    public async Task Capture_writes_a_pcap_that_tshark_reads_back_frame_for_frame()
    {
        // Not a skip: scripts/setup.sh installs tshark, so its absence is a machine not set up.
        Assert.True(OnPath("tshark"), "tshark is not installed: run scripts/setup.sh (as root), which installs it");
        const int count = 300;
        await using var agent = await AgentFixture.StartAsync(
            new ServiceSettings { SvcId = 10, Mode = ServiceMode.Switch, Group = "cap" },
            new ServiceSettings { SvcId = 11, Mode = ServiceMode.Switch, Group = "cap" });
        string pcap = Path.Combine(Path.GetTempPath(), $"dscap-{Guid.NewGuid():N}.pcap");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { DescsockDll, "capture", "--socket", agent.SocketPath, "--svc-id", "11", "-w", pcap, "--count", $"{count}" })
            psi.ArgumentList.Add(a);
        using var capture = Process.Start(psi)!;
        var captureOut = capture.StandardOutput.ReadToEndAsync();
        var captureErr = capture.StandardError.ReadToEndAsync();
        await agent.WaitForAsync(11, s => s.InUse);
        Assert.True((await agent.StatsAsync()).Services[11u].InUse, "the capture never registered");

        // The capture port never sends, so its MAC is never learned: everything floods to it.
        var sent = new List<byte[]>();
        using (var sender = DescsockSocket.Open(agent.Spec(10)))
        {
            var random = new Random(7);
            for (int i = 0; i < count; i++)
            {
                var f = new byte[random.Next(FramePattern.MinFrame, 1518)];
                FramePattern.Write(f, (ulong)i, f.Length);
                sender.Send(f);
                sent.Add(f[..^4]); // pcap holds frames without CRC
            }
            Assert.True(capture.WaitForExit(30_000), "capture did not stop after --count frames");
        }
        output.WriteLine(await captureOut + await captureErr);
        Assert.Equal(0, capture.ExitCode);

        var tshark = Process.Start(new ProcessStartInfo("tshark", $"-r {pcap} -T fields -e frame.len -e eth.src -e data.data")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        string fields = await tshark.StandardOutput.ReadToEndAsync();
        string errors = await tshark.StandardError.ReadToEndAsync();
        await tshark.WaitForExitAsync();
        Assert.True(tshark.ExitCode == 0, errors);
        var lines = fields.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, lines.Length);
        for (int i = 0; i < count; i++)
        {
            var parts = lines[i].Split('\t');
            Assert.Equal(sent[i].Length, int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("02:00:00:00:00:01", parts[1]);
            Assert.Equal(Convert.ToHexString(sent[i].AsSpan(14)), parts[2].Replace(":", "", StringComparison.Ordinal).ToUpperInvariant());
        }
        File.Delete(pcap);
    }

    /// <summary>Whether an executable named <paramref name="name"/> is on PATH (where Process.Start looks for it).</summary>
    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));
}
