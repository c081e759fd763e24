using Descsock.Wire;
namespace Descsock.Tests.Agent;

/// <summary>What a fuzz case attaches to a message with SCM_RIGHTS (each one created fresh for the case).</summary>
internal enum FuzzFd
{
    /// <summary>A sealed memfd of <see cref="ControlFuzzGenerator.RegionFileSize"/> bytes with both ring cookies: a good region.</summary>
    Region,
    /// <summary>A good region reopened read-only: a sealed regular file that cannot be mapped writable.</summary>
    ReadOnlyRegion,
    /// <summary>A good region also sealed with F_SEAL_WRITE: cannot be mapped shared and writable.</summary>
    WriteSealedRegion,
    /// <summary>A sealed memfd without the ring cookies.</summary>
    BadCookieRegion,
    /// <summary>A memfd that cannot be sealed (the agent under test trusts no unsealed region).</summary>
    UnsealedMemfd,
    /// <summary>A regular file on disk, opened read-write (cannot be sealed).</summary>
    RegularFile,
    /// <summary>An eventfd: the right thing for ADD_RING only.</summary>
    EventFd,
    /// <summary>The read end of a pipe.</summary>
    Pipe,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary><c>/dev/null</c>, a character device.</summary>
    DevNull,
    /// <summary>A TCP socket.</summary>
    Socket,
}

/// <summary>What the agent must do with a fuzz case's message, per the protocol and the security rules.</summary>
internal enum FuzzExpect
{
    /// <summary>Accept: ACK (CONNECTED for a CONNECT).</summary>
    Accept,
    /// <summary>Refuse: a DISCONNECT with a readable reason, then close the connection.</summary>
    Refuse,
    /// <summary>Either of the two (the rules leave it open, or another tenant may hold the id).</summary>
    Either,
    /// <summary>Close without a message (a zero-length datagram reads as end of stream).</summary>
    Close,
    /// <summary>Refuse or just close (the tenant itself sent DISCONNECT).</summary>
    RefuseOrClose,
    /// <summary>The case sends nothing: a DISCONNECT for the handshake timeout, then close.</summary>
    TimeoutRefusal,
    /// <summary>After CONNECTED: anything is ignored; the tenant's own DISCONNECT then ends the session.</summary>
    PostConnect,
    /// <summary>The tenant hangs up right after sending, without reading: the agent's send fails; only its fd count can tell.</summary>
    HangUp,
}

/// <summary>
/// One fuzz case: a valid handshake prefix of <see cref="Prefix"/> steps (0 = HELLO read, 1 = INIT
/// acknowledged, 2 = ADD_REGION, 3 = ADD_RING S2M, 4 = ADD_RING M2S, 5 = CONNECTED), then one
/// mutated message (<see cref="Message"/>, any length; null sends nothing) carrying
/// <see cref="Fds"/>, and the expectation the generator's model derived for it.
/// </summary>
internal sealed record ControlFuzzCase(
    int Index,
    string Kind,
    uint SvcId,
    int Prefix,
    FuzzFd PrefixRegion,
    byte[]? Message,
    FuzzFd[] Fds,
    bool SplitFds,
    FuzzExpect Expect,
    bool AwaitTimeout)
{
    /// <summary>The type field of the message, if it has one.</summary>
    public ushort? Type => Message is { Length: >= 2 } m ? (ushort)(m[0] | m[1] << 8) : null;

    /// <summary>Everything needed to replay the case by hand or turn it into a regression test.</summary>
    public override string ToString()
    {
        string type = Type is { } t ? $"type {t} ({(MemifMessageType)t})" : "no type";
        string message = Message is null ? "nothing sent" : $"{Message.Length} bytes, {type}, hex {Convert.ToHexString(Message.AsSpan(0, Math.Min(Message.Length, 160)))}{(Message.Length > 160 ? "..." : "")}";
        return $"case #{Index} {Kind}: svc {SvcId}, prefix {Prefix}{(PrefixRegion != FuzzFd.Region ? $" with a {PrefixRegion} region" : "")}, " +
               $"{message}, fds [{string.Join(",", Fds)}]{(SplitFds ? " in two cmsgs" : "")}, expect {Expect}{(AwaitTimeout ? " then the handshake timeout" : "")}";
    }
}
