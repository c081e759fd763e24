using System.Diagnostics;
namespace Descsock.Host.Bench;

/// <summary>What the benchmark ran on, for the table's heading and the JSON: figures mean nothing without it.</summary>
internal sealed record BenchMachine(DateTime Date, string Cpu, int Cpus, string Kernel, string Dpdk)
{
    /// <summary>Reads this machine's description from /proc and dpkg.</summary>
    public static BenchMachine Describe()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
            ? line[(line.IndexOf(':') + 1)..].Trim() : "unknown CPU";
        string kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "?";
        return new BenchMachine(DateTime.UtcNow, cpu, Environment.ProcessorCount, kernel, DpdkVersion());
    }

    private static string DpdkVersion()
    {
        try
        {
            var psi = new ProcessStartInfo("dpkg-query", "-W -f=${Version} dpdk-dev") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            string version = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && version.Length > 0 ? $"DPDK {version}" : "DPDK not installed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "DPDK version unknown (no dpkg-query)";
        }
    }
}
