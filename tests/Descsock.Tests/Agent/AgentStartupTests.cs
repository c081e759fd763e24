using System.Diagnostics;
namespace Descsock.Tests.Agent;

/// <summary>A fatal configuration error stops the agent with the reason, instead of running half-started or looping.</summary>
[Collection("testpmd")]
public class AgentStartupTests
{
    private static string DescsockDll => Path.Combine(AppContext.BaseDirectory, "descsock.dll");

    [Fact]
    public async Task An_agent_that_cannot_start_exits_1_with_the_reason_and_leaves_no_socket()
    {
        string dir = Directory.CreateTempSubdirectory("dsbad-").FullName;
        string config = Path.Combine(dir, "agent.json"), socket = Path.Combine(dir, "agent.sock");
        // An interface name Linux refuses: the tap service cannot be created.
        await File.WriteAllTextAsync(config, """{ "Agent": { "Services": [ { "SvcId": 1, "Mode": "Tap", "TapName": "bad/name" } ] } }""");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { DescsockDll, "agent", "--config", config, "--socket", socket }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), "the agent kept running although it could not start");
        string err = await stderr;
        Assert.Equal(1, p.ExitCode);
        Assert.Contains("cannot start", err);
        Assert.Contains("bad/name", err);
        Assert.Contains("EINVAL", err);
        Assert.False(File.Exists(socket), "a failed agent must not leave a socket tenants could connect to");
        _ = await stdout;
        Directory.Delete(dir, true);
    }
}
