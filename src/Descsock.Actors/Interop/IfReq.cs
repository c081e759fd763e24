using System.Runtime.InteropServices;
namespace Descsock.Interop;

/// <summary>
/// <c>struct ifreq</c> as TUNSETIFF and SIOC[GS]IFFLAGS use it: a 16-byte interface name, then
/// a 24-byte union of which we use only the leading <c>short</c> flags.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct IfReq
{
    internal const int NameSize = 16;

    [FieldOffset(0)] public fixed byte Name[NameSize];
    [FieldOffset(16)] public short Flags;
}
