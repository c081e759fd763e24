using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Descsock.Agent;
using Descsock.CApi;
using Descsock.Tests.Agent;
using Xunit.Abstractions;
namespace Descsock.Tests.Native;

/// <summary>
/// The seed's C API as a C programmer meets it: <c>make example</c> in the repository builds
/// libdescsock.so (hosting .NET through hostfxr) and the seed's <c>test_client</c>, which then
/// runs as its own process against a real agent.
/// </summary>
// In the serial collection: make publishes the bridge with dotnet, building the same projects the
// NuGet test packs, and two builds of one project at once collide.
[Collection("testpmd")]
public class CAbiTests(ITestOutputHelper output)
{
    // One `make example` for the class's tests (the second would only find everything up to date).
    private static readonly Lazy<Task<(int Exit, string Text)>> Make = new(() => RunAsync("make", ["example"], TimeSpan.FromMinutes(10)));

    private static string Root { get; } = RepositoryRoot();

    private static string TestClient => Path.Combine(Root, "test_client");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Descsock.sln"))) return dir.FullName;
        throw new InvalidOperationException("Descsock.sln not found above the test's directory");
    }

    private static async Task<(int Exit, string Text)> RunAsync(string file, string[] arguments, TimeSpan limit, string? debug = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (debug is not null) psi.Environment["DESCSOCK_DEBUG"] = debug;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(limit);
        try { await p.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {limit}:\n{await stdout}{await stderr}");
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    private async Task<(int Exit, string Text)> TestClientAsync(string socket, string svcId, string? debug = null)
    {
        var make = await Make.Value;
        Assert.True(make.Exit == 0, $"make example failed:\n{make.Text}");
        var run = await RunAsync(TestClient, [socket, svcId], TimeSpan.FromMinutes(1), debug);
        output.WriteLine($"$ ./test_client {socket} {svcId} → {run.Exit}\n{run.Text}");
        return run;
    }

    [Fact]
    public void The_spec_struct_has_the_C_layout_the_shim_asserts()
    {
        Assert.Equal(0, (int)Marshal.OffsetOf<ClientSpec>(nameof(ClientSpec.DmaShmemPath)));
        Assert.Equal(108, (int)Marshal.OffsetOf<ClientSpec>(nameof(ClientSpec.MasterSocketPath)));
        Assert.Equal(216, (int)Marshal.OffsetOf<ClientSpec>(nameof(ClientSpec.SvcId)));
        Assert.Equal(220, Marshal.SizeOf<ClientSpec>());
    }

    [Fact]
    public async Task Test_client_opens_sends_receives_the_echo_and_closes()
    {
        await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 0, Mode = ServiceMode.Echo });

        var run = await TestClientAsync(agent.SocketPath, "0");

        Assert.True(run.Exit == 0, run.Text);
        Assert.Contains($"descsock_open: connected to {agent.SocketPath} as svc_id 0", run.Text);
        Assert.Contains("descsock_send: 64 bytes", run.Text);
        Assert.Contains("descsock_poll: DESCSOCK_POLLIN", run.Text);
        Assert.Contains("descsock_recv: 64 bytes, echo intact", run.Text);
        Assert.Contains("descsock_cntl(0): -1, errno 22 (Invalid argument)", run.Text);
        Assert.Contains("descsock_close: done", run.Text);
        var echo = await agent.WaitForAsync(0, s => s.FramesOut == 1 && !s.InUse);
        Assert.Equal(1, echo.FramesIn);
        Assert.Equal(1, echo.FramesOut);
        Assert.False(echo.InUse, "descsock_close must free the service id");
    }

    [Fact]
    public async Task Test_client_gets_minus_one_with_ENOENT_or_ECONNREFUSED_when_no_agent_listens()
    {
        string dir = Directory.CreateTempSubdirectory("dscabi-").FullName;
        try
        {
            // No file at the path: ENOENT, and with DESCSOCK_DEBUG the library says why on stderr.
            var missing = await TestClientAsync(Path.Combine(dir, "missing.sock"), "0", debug: "1");
            Assert.Equal(1, missing.Exit);
            Assert.Contains("descsock_open: -1, errno 2 (No such file or directory)", missing.Text);
            Assert.Contains("descsock: ", missing.Text);

            // A socket file nobody listens on (bound, never listening): ECONNREFUSED.
            string stale = Path.Combine(dir, "stale.sock");
            using var bound = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
            bound.Bind(new UnixDomainSocketEndPoint(stale));
            var refused = await TestClientAsync(stale, "0");
            Assert.Equal(1, refused.Exit);
            Assert.Contains("descsock_open: -1, errno 111 (Connection refused)", refused.Text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
