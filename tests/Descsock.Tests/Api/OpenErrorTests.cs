using Descsock.Interop;
namespace Descsock.Tests.Api;

/// <summary>Errors Open reports before any agent is involved.</summary>
public class OpenErrorTests
{
    private static DescsockClientSpec Spec(string socket) => new() { MasterSocketPath = socket, SvcId = 1 };

    [Fact]
    public void Open_without_a_socket_file_fails_with_ENOENT()
    {
        var e = Assert.Throws<DescsockException>(() => DescsockSocket.Open(Spec($"/tmp/descsock-none-{Guid.NewGuid():N}.sock")));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.Contains("ENOENT", e.Message);
    }

    [Fact]
    public void Open_when_nobody_listens_fails_with_ECONNREFUSED()
    {
        string path = Path.Combine(Path.GetTempPath(), $"descsock-dead-{Guid.NewGuid():N}.sock");
        BindAndAbandon(path); // socket file left behind, nobody listening
        try
        {
            var e = Assert.Throws<DescsockException>(() => DescsockSocket.Open(Spec(path)));
            Assert.Equal(Errno.ECONNREFUSED, e.Errno);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Open_of_an_abstract_name_nobody_listens_on_fails_with_ECONNREFUSED()
    {
        var e = Assert.Throws<DescsockException>(() => DescsockSocket.Open(Spec($"@descsock-none-{Guid.NewGuid():N}")));
        Assert.Equal(Errno.ECONNREFUSED, e.Errno);
    }

    private static unsafe void BindAndAbandon(string path)
    {
        int fd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET, 0);
        byte* address = stackalloc byte[112];
        int length = Descsock.Native.UnixAddress.Encode(path, new Span<byte>(address, 112));
        Assert.Equal(0, Libc.Bind(fd, address, length));
        Libc.Close(fd);
        Assert.True(File.Exists(path));
    }

    public static TheoryData<DescsockClientSpec, string> BadSpecs => new()
    {
        { new DescsockClientSpec { MasterSocketPath = "", SvcId = 1 }, "MasterSocketPath" },
        { new DescsockClientSpec { MasterSocketPath = "/x", SvcId = -1 }, "SvcId" },
        { new DescsockClientSpec { MasterSocketPath = "/x", SvcId = 1L << 32 }, "SvcId" },
        { new DescsockClientSpec { MasterSocketPath = "/x", SvcId = 1, RingSizeLog2 = 15 }, "RingSizeLog2" },
        { new DescsockClientSpec { MasterSocketPath = "/x", SvcId = 1, BufferSize = 64 }, "BufferSize" },
        { new DescsockClientSpec { MasterSocketPath = "/x", SvcId = 1, Secret = new string('s', 24) }, "Secret" },
        { new DescsockClientSpec { MasterSocketPath = new string('p', 200), SvcId = 1 }, "MasterSocketPath" },
        { new DescsockClientSpec { MasterSocketPath = "/x", SvcId = 1, RingSizeLog2 = 1, MaxFrameSize = 9000 }, "buffers" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_bad_spec_fails_with_EINVAL_naming_the_field(DescsockClientSpec spec, string field)
    {
        var e = Assert.Throws<DescsockException>(() => DescsockSocket.Open(spec));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains(field, e.Message);
    }
}
