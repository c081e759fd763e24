namespace Descsock.Native;

/// <summary>Who is on the other end of a Unix socket, as the kernel says (SO_PEERCRED), not as the peer claims.</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid);
