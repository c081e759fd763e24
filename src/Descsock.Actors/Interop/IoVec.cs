using System.Runtime.InteropServices;
namespace Descsock.Interop;

/// <summary><c>struct iovec</c>: one piece of a scattered read or gathered write.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}
