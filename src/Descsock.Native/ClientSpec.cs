using System.Runtime.InteropServices;
using System.Text;
using Descsock.Interop;
namespace Descsock.CApi;

/// <summary>
/// The seed's <c>descsock_client_spec_t</c> as C lays it out (x86-64), read through the caller's pointer:
/// <code>
///   0  char dma_shmem_path[108]       DESCSOCK_PATHLEN, NUL-terminated; empty = sealed memfd
/// 108  char master_socket_path[108]
/// 216  int  svc_id
/// 220  (size; int alignment needs no padding)
/// </code>
/// The shim's <c>_Static_assert</c>s and a test pin the same offsets on both sides.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ClientSpec
{
    /// <summary>DESCSOCK_PATHLEN.</summary>
    public const int PathLength = DescsockClientSpec.PathLength;

    /// <summary>dma_shmem_path.</summary>
    public fixed byte DmaShmemPath[PathLength];

    /// <summary>master_socket_path.</summary>
    public fixed byte MasterSocketPath[PathLength];

    /// <summary>svc_id.</summary>
    public int SvcId;

    /// <summary>The .NET spec; EINVAL when a path is not NUL-terminated within its array.</summary>
    public static DescsockClientSpec ToManaged(ClientSpec* spec)
    {
        string shm = Path(spec->DmaShmemPath, "dma_shmem_path");
        return new DescsockClientSpec
        {
            DmaShmemPath = shm.Length == 0 ? null : shm,
            MasterSocketPath = Path(spec->MasterSocketPath, "master_socket_path"),
            SvcId = spec->SvcId,
        };
    }

    private static string Path(byte* field, string name)
    {
        var bytes = new ReadOnlySpan<byte>(field, PathLength);
        int end = bytes.IndexOf((byte)0);
        if (end < 0) throw new DescsockException(Errno.EINVAL, $"invalid descsock spec: {name} is not NUL-terminated within DESCSOCK_PATHLEN ({PathLength})");
        return Encoding.UTF8.GetString(bytes[..end]);
    }
}
