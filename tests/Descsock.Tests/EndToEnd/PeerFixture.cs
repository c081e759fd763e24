using Descsock.Host.Peers;
using Descsock.Tests.Peers;
namespace Descsock.Tests.EndToEnd;

/// <summary>Helpers for tests against a real testpmd peer: fresh socket paths and specs.</summary>
public static class PeerFixture
{
    public static string NewSocketPath() => Path.Combine(Path.GetTempPath(), $"ds-{Guid.NewGuid():N}.sock");

    public static string ShmDirectory => Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    public static DescsockClientSpec Spec(string socket, long svcId = 0, string? shm = null) => new()
    {
        MasterSocketPath = socket,
        SvcId = svcId,
        DmaShmemPath = shm ?? Path.Combine(ShmDirectory, $"ds-{Guid.NewGuid():N}"),
    };

    /// <summary>Starts testpmd as the agent; fails the test (never skips) when DPDK is missing.</summary>
    public static Task<TestPmd> StartServerAsync(string socket, string mode, int id = 0, string? secret = null, string? txpkts = null,
        bool interactive = false)
    {
        Assert.True(TestPmd.IsAvailable(out string reason), reason);
        return TestPmd.StartAsync(new TestPmdOptions
        {
            SocketPath = socket, ForwardMode = mode, Id = id, Secret = secret, TxPackets = txpkts, Interactive = interactive,
        });
    }
}
