using Descsock.Agent;
using Descsock.Host.Ping;
using Descsock.Interop;
using Xunit.Abstractions;
namespace Descsock.Tests.Agent;

/// <summary>
/// Security rule 5: a tenant that shrinks its region under the agent would kill the agent with
/// SIGBUS, which nothing in .NET can catch. An agent that does not trust the tenant's uid
/// accepts only regions sealed against shrinking; the library's default region (a memfd) is
/// sealed, so the tenant cannot shrink it even if it tries.
/// </summary>
[Collection("testpmd")]
public class SealedRegionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_untrusting_agent_refuses_unsealed_regions_and_a_sealed_region_cannot_be_shrunk()
    {
        await using var agent = await AgentFixture.StartAsync(new AgentSettings { TrustUnsealedFromOwnUid = false },
            new ServiceSettings { SvcId = 1, Mode = ServiceMode.Echo });

        // dma_shmem_path on tmpfs: a plain file, not sealed: refused, with the reason.
        var refused = Assert.Throws<DescsockException>(() => DescsockSocket.Open(agent.Spec(1)));
        output.WriteLine(refused.Message);
        Assert.Equal(Errno.EACCES, refused.Errno);
        Assert.Contains("sealed", refused.Message);

        // No path: a memfd sealed against shrinking and growing: accepted.
        using var tenant = DescsockSocket.Open(agent.Spec(1) with { DmaShmemPath = null });
        var backing = tenant.Endpoint.Resources!.Backing;
        Assert.NotEqual(0, Libc.FTruncate(backing.Descriptor.Value, 0));
        Assert.Equal(Errno.EPERM, Errno.Last);
        Assert.NotEqual(0, Libc.FTruncate(backing.Descriptor.Value, backing.Size / 2));
        Assert.True(Pinger.Run(tenant, new PingOptions { Spec = tenant.Spec, Count = 2000 }).Success); // the agent lives on
    }
}
