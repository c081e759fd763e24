using Descsock.Interop;
using Descsock.Memory;
namespace Descsock.Tests.Memory;

public class RegionBackingTests
{
    [Fact]
    public void Path_backing_zeroes_and_resizes_an_existing_file_and_removes_it_on_dispose()
    {
        string path = Path.Combine(Path.GetTempPath(), $"descsock-test-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, Enumerable.Repeat((byte)0xAB, 100_000).ToArray());
        using (var b = PathRegionBacking.Create(path, 5000))
        {
            Assert.Equal(8192, b.Size); // page-rounded
            Assert.Equal(8192, new FileInfo(path).Length);
            Assert.All(File.ReadAllBytes(path), x => Assert.Equal(0, x));
            Assert.False(b.IsSealed);
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Path_backing_in_a_missing_directory_fails_with_ENOENT()
    {
        var e = Assert.Throws<DescsockException>(() => PathRegionBacking.Create("/nonexistent-dir/x", 4096));
        Assert.Equal(Errno.ENOENT, e.Errno);
    }

    [Fact]
    public void Memfd_backing_is_sealed_against_shrinking_and_growing()
    {
        using var b = MemfdRegionBacking.Create("t", 10_000);
        Assert.True(b.IsSealed);
        Assert.Equal(12288, b.Size);
        int seals = Libc.Fcntl(b.Descriptor.Value, Libc.F_GET_SEALS, 0);
        Assert.Equal(Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW, seals & (Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW));
        Assert.NotEqual(0, Libc.FTruncate(b.Descriptor.Value, 4096)); // EPERM: the seal holds
    }

    [Fact]
    public void Region_layout_puts_rings_first_then_transmit_then_receive_buffers()
    {
        var l = new TenantRegionLayout(10, 2048, 2048);
        Assert.Equal((0L, 16512L), (l.TransmitRingOffset, l.ReceiveRingOffset));
        Assert.Equal(33024, l.BufferBase);
        Assert.Equal(33024 + 1024 * 2048, l.ReceivePoolOffset);
        Assert.Equal(l.ReceivePoolOffset + 2048L * 2048, l.MinimumSize);
        Assert.Equal(0, l.BufferBase % 64);
    }
}
