using Descsock.Memory;
using Xunit.Abstractions;
namespace Descsock.Tests.Memory;

/// <summary>The seed prefers a 2 MiB hugetlbfs mount for dma_shmem_path; scripts/setup.sh mounts one at /dev/hugepages when it can.</summary>
public class HugetlbfsTests(ITestOutputHelper output)
{
    public static string? HugetlbfsMount(out string reason)
    {
        foreach (var line in File.ReadAllLines("/proc/mounts"))
        {
            var f = line.Split(' ');
            if (f.Length > 2 && f[2] == "hugetlbfs")
            {
                reason = "";
                return f[1];
            }
        }
        reason = "no hugetlbfs is mounted (scripts/setup.sh mounts one at /dev/hugepages when run as root with hugepages reservable)";
        return null;
    }

    /// <summary>The hugetlbfs mount point; the calling test reports skipped, with the reason, where the machine has none.</summary>
    public static string RequireHugetlbfs()
    {
        string? mount = HugetlbfsMount(out string reason);
        Skip.If(mount is null, reason);
        return mount!;
    }

    [SkippableFact]
    public void Path_backing_on_hugetlbfs_rounds_to_the_huge_page_size_and_is_removed_on_dispose()
    {
        string mount = RequireHugetlbfs();
        output.WriteLine($"hugetlbfs at {mount}");
        string path = Path.Combine(mount, $"descsock-test-{Guid.NewGuid():N}");
        using (var b = PathRegionBacking.Create(path, 5000))
        {
            Assert.True(b.OnHugetlbfs);
            Assert.Equal(2L << 20, b.Size);
            Assert.True(File.Exists(path));
        }
        Assert.False(File.Exists(path));
    }
}
