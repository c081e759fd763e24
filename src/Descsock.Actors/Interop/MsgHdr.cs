using System.Runtime.InteropServices;
namespace Descsock.Interop;

/// <summary>
/// <c>struct msghdr</c> on x86-64 (56 bytes):
/// <code>
///  0 msg_name (ptr) | 8 msg_namelen (u32) + pad | 16 msg_iov (ptr) | 24 msg_iovlen (size_t)
/// 32 msg_control (ptr) | 40 msg_controllen (size_t) | 48 msg_flags (i32) + pad
/// </code>
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}

/// <summary>
/// <c>struct cmsghdr</c> header (16 bytes: len as size_t, level, type); the data follows at 16.
/// One SCM_RIGHTS fd needs <see cref="SpaceForOneFd"/> bytes of control buffer.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CmsgHdr
{
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int HeaderSize = 16;
    /// <summary>CMSG_LEN(sizeof(int)).</summary>
    public const int LengthForOneFd = HeaderSize + sizeof(int);
    /// <summary>CMSG_SPACE(sizeof(int)): data padded to 8 bytes.</summary>
    public const int SpaceForOneFd = HeaderSize + 8;

    public nuint Length;
    public int Level;
    public int Type;
}
