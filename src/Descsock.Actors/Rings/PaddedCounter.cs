using System.Runtime.InteropServices;
namespace Descsock.Rings;

/// <summary>
/// A long on its own cache line pair, so that a producer's and a consumer's indices never share
/// a line (false sharing would cost a cache miss per frame on both cores).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    [FieldOffset(64)] public long Value;
}
