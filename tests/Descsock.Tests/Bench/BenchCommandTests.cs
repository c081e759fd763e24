using System.Diagnostics;
using System.Text.Json;
using Descsock.Tests.Agent;
using Xunit.Abstractions;
namespace Descsock.Tests.Bench;

/// <summary>
/// The real <c>descsock bench</c> end to end, briefly: every pair really moves frames and the
/// table and the JSON say so. Figures are printed, never asserted (speed is measured, not tested).
/// And SIGTERM mid-run stops it in order, with no testpmd left behind.
/// </summary>
[Collection("testpmd")]
public class BenchCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Bench_measures_all_four_pairs_and_the_allocation_workload_and_writes_the_json()
    {
        string dir = Directory.CreateTempSubdirectory("bench-run-").FullName;
        string json = Path.Combine(dir, "results.json");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { AgentProcess.DescsockDll, "bench", "--workloads", "tenant-to-agent,allocation", "--sizes", "64",
                     "--runs", "1", "--retries", "0", "--seconds", "0.5", "--json", json }) // no retries: a slow machine does not stretch the test
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await p.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        Assert.Equal(0, p.ExitCode);
        Assert.Contains("bench [1/7] tenant-to-agent 64 B reference", await stderr); // the progress line
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var figures = doc.RootElement.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(7, figures.Count);
        foreach (var f in figures.Take(4))
        {
            Assert.False(f.TryGetProperty("error", out var error), $"{f.GetProperty("pair")}: {error}");
            double rate = f.GetProperty("metrics")[0].GetProperty("median").GetDouble();
            Assert.True(rate > 0, $"{f.GetProperty("pair")} moved no frames");
            Assert.True(f.TryGetProperty("ratio", out _), "a one-way figure is compared with the reference");
            var probes = f.GetProperty("metrics").EnumerateArray().Where(m => m.GetProperty("name").GetString() is "core-to-core" or "cross-core copy").ToList();
            Assert.Equal(2, probes.Count); // the machine's state, read before and after the run
            Assert.All(probes, m => Assert.Equal(2, m.GetProperty("runs").GetArrayLength()));
            Assert.Matches("^[01] of 1 runs in the fast state$", f.GetProperty("note").GetString());
        }
        Assert.Equal(["reference", "ours", "ours-vs-dpdk", "dpdk-vs-ours"], figures.Take(4).Select(f => f.GetProperty("pair").GetString()));
        var allocation = figures[4].GetProperty("metrics")[0];
        Assert.Equal("B/frame", allocation.GetProperty("unit").GetString());
        Assert.True(allocation.GetProperty("median").GetDouble() >= 0);
        Assert.Contains("tenant → agent", await stdout);
        Assert.Contains($"results written to {json}", await stdout);
    }

    [Fact]
    public async Task Sigterm_mid_run_stops_the_bench_in_order_and_leaves_no_testpmd_running()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { AgentProcess.DescsockDll, "bench", "--pairs", "reference", "--workloads", "echo", "--sizes", "64",
                     "--runs", "1", "--retries", "0", "--seconds", "60", "--no-json" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        string prefix = $"--file-prefix=dstest{p.Id}x"; // how the bench names its testpmd processes (TestPmd)
        for (var clock = Stopwatch.StartNew(); TestPmdsOf(prefix).Count < 2; await Task.Delay(100))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !p.HasExited, "the bench did not start its two testpmd processes");

        await AgentProcess.SignalAsync(p.Id, "TERM");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        Assert.Equal(143, p.ExitCode); // 128 + SIGTERM, not a result
        Assert.Contains("descsock bench: interrupted", await stderr);
        Assert.Empty(TestPmdsOf(prefix)); // stopped by the bench, not left polling a core each
    }

    /// <summary>Running processes whose command line contains <paramref name="marker"/>.</summary>
    private static List<int> TestPmdsOf(string marker)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { } // gone meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
