using System.Diagnostics;
using System.IO.Compression;
using Descsock.Agent;
using Descsock.Tests.Agent;
using Xunit.Abstractions;
namespace Descsock.Tests.Packaging;

/// <summary>
/// The Descsock NuGet package as a user gets it: packed from the repository, installed from a
/// local feed into a fresh console project outside the repository, which exchanges a frame with
/// a real agent.
/// </summary>
[Collection("testpmd")]
public class NuGetPackageTests(ITestOutputHelper output)
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Descsock.sln"))) return dir.FullName;
        throw new InvalidOperationException("Descsock.sln not found above the test's directory");
    }

    private (int Code, string Text) Dotnet(string workingDirectory, params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string text = p.StandardError.ReadToEnd() + stdout.Result;
        Assert.True(p.WaitForExit(300_000), $"dotnet {string.Join(' ', arguments)} did not finish");
        output.WriteLine($"$ dotnet {string.Join(' ', arguments)} → {p.ExitCode}");
        return (p.ExitCode, text);
    }

    [Fact]
    public async Task The_package_installs_into_a_fresh_console_project_and_exchanges_a_frame()
    {
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        string work = Directory.CreateTempSubdirectory("dspkg-").FullName, feed = Path.Combine(work, "feed"), app = Path.Combine(work, "app");
        try
        {
            var pack = Dotnet(RepositoryRoot(), "pack", "src/Descsock.Api", "-c", "Release", "-o", feed, $"-p:Version={version}");
            Assert.True(pack.Code == 0, pack.Text);
            using (var nupkg = ZipFile.OpenRead(Path.Combine(feed, $"Descsock.{version}.nupkg")))
            {
                var names = nupkg.Entries.Select(e => e.FullName).ToHashSet();
                foreach (var f in new[] { "lib/net10.0/Descsock.Api.dll", "lib/net10.0/Descsock.Api.xml", "lib/net10.0/Descsock.Actors.dll",
                                          "lib/net10.0/Descsock.Actors.xml", "README.md" })
                    Assert.Contains(f, names);
            }

            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                </configuration>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Descsock" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
                using Descsock;
                var spec = new DescsockClientSpec { MasterSocketPath = args[0], SvcId = long.Parse(args[1]) };
                using var socket = DescsockSocket.Open(spec);
                var frame = new byte[64];
                for (int i = 0; i < frame.Length - 4; i++) frame[i] = (byte)(i * 7 + 1);
                socket.Send(frame);
                var back = new byte[socket.MaxFrameLength];
                int n = socket.Recv(back);
                Console.WriteLine(n == 64 && back.AsSpan(0, 60).SequenceEqual(frame.AsSpan(0, 60)) ? "FRAME-OK" : $"MISMATCH {n}");
                """);

            await using var agent = await AgentFixture.StartAsync(new ServiceSettings { SvcId = 3, Mode = ServiceMode.Echo });
            var run = Dotnet(app, "run", "-c", "Release", "--", agent.SocketPath, "3");
            output.WriteLine(run.Text);
            Assert.True(run.Code == 0, run.Text);
            Assert.Contains("FRAME-OK", run.Text);
            Assert.Equal(1, (await agent.StatsAsync()).Services[3u].FramesOut);
        }
        finally
        {
            Directory.Delete(work, true);
            string cached = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "descsock", version);
            if (Directory.Exists(cached)) Directory.Delete(cached, true);
        }
    }
}
