using Descsock.Tests.Memory;
using Xunit.Abstractions;
namespace Descsock.Tests.EndToEnd;

/// <summary>The seed's dma_shmem_path: created by the library, sized, and gone after close.</summary>
[Collection("testpmd")]
public class ShmLifecycleTests(ITestOutputHelper output)
{
    private async Task ShmFileLivesExactlyAsLongAsTheSocket(string directory)
    {
        string socket = PeerFixture.NewSocketPath();
        string shm = Path.Combine(directory, $"ds-{Guid.NewGuid():N}");
        // An existing file is reused, zeroed and resized (hugetlbfs takes no write(): leave it empty there).
        if (directory == PeerFixture.ShmDirectory) File.WriteAllBytes(shm, new byte[10]);
        else File.Create(shm).Dispose();
        await using var pmd = await PeerFixture.StartServerAsync(socket, "io");
        var tenant = DescsockSocket.Open(PeerFixture.Spec(socket, shm: shm));
        var size = new FileInfo(shm).Length;
        output.WriteLine($"{shm}: {size} bytes");
        Assert.True(size >= 2 * 16512 + 3L * 1024 * 2048, $"region of {size} bytes is too small for the rings and buffers");
        tenant.Close();
        Assert.False(File.Exists(shm), "the shared-memory file must be removed on close");
    }

    [Fact]
    public Task Shm_file_is_created_sized_and_removed_on_tmpfs() => ShmFileLivesExactlyAsLongAsTheSocket(PeerFixture.ShmDirectory);

    [SkippableFact]
    public Task Shm_file_is_created_sized_and_removed_on_hugetlbfs_when_one_is_mounted() =>
        ShmFileLivesExactlyAsLongAsTheSocket(HugetlbfsTests.RequireHugetlbfs());
}
