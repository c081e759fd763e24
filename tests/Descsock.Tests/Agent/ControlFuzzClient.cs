using System.Diagnostics;
using System.Text;
using Descsock.Interop;
using Descsock.Native;
using Descsock.Wire;
using G = Descsock.Tests.Agent.ControlFuzzGenerator;
using L = Descsock.Wire.MemifMessageLayout;
namespace Descsock.Tests.Agent;

/// <summary>How one case ended, for the run's summary.</summary>
internal sealed record FuzzOutcome(string Result, string? Reason, int Retries = 0);

/// <summary>The agent did something it must not with a case; the message names the case.</summary>
internal sealed class ControlFuzzFailure(ControlFuzzCase c, string what) : Exception($"{what}\n  {c}");

/// <summary>
/// Plays one <see cref="ControlFuzzCase"/> against the agent as a raw tenant on a fresh
/// connection: reads HELLO, runs the valid prefix lock-step, sends the mutated message with its
/// fds (any count, one or two SCM_RIGHTS blocks), and checks the answer against the case's
/// expectation. Never waits longer than <see cref="ReplyDeadline"/> for anything: a longer
/// silence is the agent hanging. A refusal must be a DISCONNECT with a non-empty printable
/// reason followed by the agent closing the connection. Thread-safety: one case at a time per instance.
/// </summary>
internal sealed unsafe class ControlFuzzClient(string socketPath, string regularFile, string directory)
{
    /// <summary>Longest wait for any reply or close (the agent's handshake timeout is far shorter).</summary>
    public static readonly TimeSpan ReplyDeadline = TimeSpan.FromSeconds(5);

    /// <summary>How long a service id may stay "Already connected" after its previous case ended.</summary>
    private static readonly TimeSpan BusyLimit = TimeSpan.FromSeconds(3);

    private enum Got { Message, Closed }

    /// <summary>The previous case on this id has not been released yet: run the case again shortly.</summary>
    private sealed class IdBusy : Exception;

    /// <summary>Runs <paramref name="c"/>; throws <see cref="ControlFuzzFailure"/> when the agent misbehaves.</summary>
    public FuzzOutcome Run(ControlFuzzCase c)
    {
        var clock = Stopwatch.StartNew();
        for (int retries = 0; ; retries++)
        {
            try
            {
                return RunOnce(c) with { Retries = retries };
            }
            catch (IdBusy) when (clock.Elapsed < BusyLimit)
            {
                Thread.Sleep(5 * Math.Min(retries + 1, 20));
            }
            catch (IdBusy)
            {
                throw new ControlFuzzFailure(c, $"service {c.SvcId} stayed 'Already connected' for {BusyLimit.TotalSeconds} s after its previous tenant left");
            }
        }
    }

    private FuzzOutcome RunOnce(ControlFuzzCase c)
    {
        using var fds = new FuzzDescriptors(regularFile, directory);
        SeqPacketSocket socket;
        try
        {
            socket = SeqPacketSocket.Connect(socketPath);
        }
        catch (DescsockException e)
        {
            throw new ControlFuzzFailure(c, $"cannot connect to the agent: {e.Message}");
        }
        using (socket)
        {
            var msg = new byte[L.Size];
            if (Next(socket, msg, c, "HELLO") != Got.Message || !MemifCodec.TryRead(msg, out HelloMessage hello) ||
                hello.MinVersion > L.ProtocolVersion || hello.MaxVersion < L.ProtocolVersion)
                throw new ControlFuzzFailure(c, $"no valid HELLO: {Hex(msg)}");
            if ((hello.MaxRegion, hello.MaxS2MRing, hello.MaxM2SRing, hello.MaxLog2RingSize) != (G.MaxRegions - 1, 0, 0, RingLayout.MaxLog2Size))
                throw new ControlFuzzFailure(c, $"the generator's model assumes the HELLO limits 3 / 0 / 0 / 14, the agent announced {hello}");

            if (RunPrefix(socket, msg, c, fds) is { } early) return early;
            if (c.Message is null) return ExpectHandshakeTimeout(socket, msg, c, "silent");

            int errno = Send(socket, c.Message, c.Fds.Select(fds.Create).ToArray(), c.SplitFds);
            fds.Dispose(); // our copies go at once; the agent holds its own
            if (c.Expect == FuzzExpect.PostConnect) return AfterConnect(socket, msg, c);
            if (c.Expect == FuzzExpect.HangUp) return new FuzzOutcome("hung-up", null); // the socket closes right here
            if (errno != 0) throw new ControlFuzzFailure(c, $"sending the case failed with errno {errno}: the agent closed before reading it");
            return Observe(socket, msg, c);
        }
    }

    /// <summary>The valid handshake up to the case's prefix; returns an outcome only if the agent (legitimately) ended the case early.</summary>
    private static FuzzOutcome? RunPrefix(SeqPacketSocket socket, byte[] msg, ControlFuzzCase c, FuzzDescriptors fds)
    {
        for (int step = 1; step <= c.Prefix; step++)
        {
            var (message, fd) = step switch
            {
                1 => (G.Init(c.SvcId), null),
                2 => (G.AddRegion(0, G.RegionFileSize), fds.Create(c.PrefixRegion)),
                3 => (G.AddRing(s2m: true), fds.Create(FuzzFd.EventFd)),
                4 => (G.AddRing(s2m: false), fds.Create(FuzzFd.EventFd)),
                _ => (G.Connect(), (FileDescriptor?)null),
            };
            int errno = Send(socket, message, fd is null ? [] : [fd], split: false);
            if (errno != 0) throw new ControlFuzzFailure(c, $"prefix step {step}: send failed with errno {errno}");
            var reply = step == 5 ? MemifMessageType.Connected : MemifMessageType.Ack;
            if (Next(socket, msg, c, $"the reply to prefix step {step}") == Got.Message && MemifCodec.PeekType(msg) == reply) continue;
            string? reason = ReasonOf(msg);
            if (step == 1 && reason == "Already connected") throw new IdBusy();
            // A sealed file that cannot be mapped writable may be refused at ADD_REGION already.
            if (step == 2 && c.PrefixRegion is FuzzFd.ReadOnlyRegion or FuzzFd.WriteSealedRegion && reason is not null && !IsTimeout(reason))
            {
                ExpectClosed(socket, msg, c);
                return new FuzzOutcome("refused", reason);
            }
            throw new ControlFuzzFailure(c, $"prefix step {step}: expected {reply}, got {Describe(msg)}");
        }
        return null;
    }

    /// <summary>Checks the agent's answer to the mutated message.</summary>
    private static FuzzOutcome Observe(SeqPacketSocket socket, byte[] msg, ControlFuzzCase c)
    {
        var reply = c.Type == (ushort)MemifMessageType.Connect ? MemifMessageType.Connected : MemifMessageType.Ack;
        var got = Next(socket, msg, c, "a reply");
        bool accepted = got == Got.Message && MemifCodec.PeekType(msg) == reply;
        string? reason = got == Got.Message && !accepted ? ReasonOf(msg) : null;
        if (got == Got.Message && !accepted && reason is null)
            throw new ControlFuzzFailure(c, $"the agent answered neither {reply} nor a DISCONNECT with a readable reason: {Describe(msg)}");
        if (reason is not null && IsTimeout(reason))
            throw new ControlFuzzFailure(c, $"the agent ignored the message: it timed out waiting (\"{reason}\")");
        if (reason == "Already connected" && c.Expect == FuzzExpect.Accept) throw new IdBusy(); // our own id, still held by the previous case

        switch (c.Expect)
        {
            case FuzzExpect.Accept when !accepted:
                throw new ControlFuzzFailure(c, $"the agent refused a valid message: {(reason is null ? "it closed the connection" : $"\"{reason}\"")}");
            case FuzzExpect.Refuse when accepted:
            case FuzzExpect.RefuseOrClose when accepted:
            case FuzzExpect.Close when accepted:
                throw new ControlFuzzFailure(c, $"the agent accepted a message it must refuse (answered {reply})");
            case FuzzExpect.Refuse or FuzzExpect.Either when got == Got.Closed:
                throw new ControlFuzzFailure(c, "the agent closed the connection without a DISCONNECT saying why");
            case FuzzExpect.Close when got != Got.Closed:
                throw new ControlFuzzFailure(c, $"a zero-length message reads as end of stream, but the agent answered {Describe(msg)}");
        }

        if (reason is not null)
        {
            ExpectClosed(socket, msg, c);
            return new FuzzOutcome("refused", reason);
        }
        if (got == Got.Closed) return new FuzzOutcome("closed", null);
        return c.AwaitTimeout
            ? ExpectHandshakeTimeout(socket, msg, c, $"{reply.ToString().ToLowerInvariant()}+timeout")
            : new FuzzOutcome(reply.ToString().ToLowerInvariant(), null);
    }

    /// <summary>The tenant now says nothing: the agent must give up after its handshake timeout, say so, and close.</summary>
    private static FuzzOutcome ExpectHandshakeTimeout(SeqPacketSocket socket, byte[] msg, ControlFuzzCase c, string result)
    {
        var got = Next(socket, msg, c, "the handshake timeout");
        if (got != Got.Message || ReasonOf(msg) is not { } reason || !IsTimeout(reason))
            throw new ControlFuzzFailure(c, $"a silent tenant must get a DISCONNECT for the handshake timeout, got {(got == Got.Closed ? "the connection closed" : Describe(msg))}");
        ExpectClosed(socket, msg, c);
        return new FuzzOutcome(result, reason);
    }

    /// <summary>
    /// After CONNECTED the agent ignores control messages (and closes any fd on them); our own
    /// DISCONNECT then ends the session: proof that the agent still reads the connection.
    /// </summary>
    private static FuzzOutcome AfterConnect(SeqPacketSocket socket, byte[] msg, ControlFuzzCase c)
    {
        Send(socket, G.Disconnect("the fuzzer is done"), [], split: false); // EPIPE if the case itself was a DISCONNECT
        string? reason = null;
        while (Next(socket, msg, c, "the session to end after our DISCONNECT") == Got.Message)
        {
            reason = ReasonOf(msg) ?? throw new ControlFuzzFailure(c, $"after CONNECTED the agent sent {Describe(msg)}");
        }
        return new FuzzOutcome("post-connect-closed", reason);
    }

    private static void ExpectClosed(SeqPacketSocket socket, byte[] msg, ControlFuzzCase c)
    {
        if (Next(socket, msg, c, "the connection to close after DISCONNECT") == Got.Message)
            throw new ControlFuzzFailure(c, $"the agent sent {Describe(msg)} after its DISCONNECT instead of closing");
    }

    /// <summary>The next message or the end of the connection; anything else (silence, an fd, a malformed message) fails the case.</summary>
    private static Got Next(SeqPacketSocket socket, byte[] msg, ControlFuzzCase c, string waitingFor)
    {
        Array.Clear(msg);
        var status = socket.Receive(msg, out int length, out FileDescriptor? fd, (int)ReplyDeadline.TotalMilliseconds);
        if (fd is not null)
        {
            fd.Dispose();
            throw new ControlFuzzFailure(c, "the agent sent the tenant a file descriptor");
        }
        return status switch
        {
            ReceiveStatus.Message when length == L.Size => Got.Message,
            ReceiveStatus.Closed => Got.Closed,
            ReceiveStatus.Timeout => throw new ControlFuzzFailure(c, $"the agent hung: neither {waitingFor} nor a close within {ReplyDeadline.TotalSeconds} s"),
            _ => throw new ControlFuzzFailure(c, $"malformed message from the agent ({status}, {length} bytes)"),
        };
    }

    /// <summary>The reason of a DISCONNECT if it is non-empty printable ASCII ending in a NUL inside its field; null otherwise.</summary>
    internal static string? ReasonOf(byte[] msg)
    {
        if (MemifCodec.PeekType(msg) != MemifMessageType.Disconnect) return null;
        var field = msg.AsSpan(L.DisconnectReason, L.ReasonSize);
        int end = field.IndexOf((byte)0);
        if (end <= 0) return null;
        foreach (byte b in field[..end])
            if (b is < 0x20 or > 0x7E) return null;
        return Encoding.ASCII.GetString(field[..end]);
    }

    private static bool IsTimeout(string reason) => reason.Contains("timeout", StringComparison.OrdinalIgnoreCase);

    private static string Describe(byte[] msg) =>
        MemifCodec.PeekType(msg) == MemifMessageType.Disconnect && ReasonOf(msg) is { } r ? $"DISCONNECT \"{r}\"" : $"type {(ushort)MemifCodec.PeekType(msg)}: {Hex(msg)}";

    private static string Hex(byte[] msg) => Convert.ToHexString(msg);

    /// <summary>
    /// sendmsg with any number of fds (in one SCM_RIGHTS block, or split over two), never
    /// blocking; returns 0 or the errno. SeqPacketSocket.Send carries at most one fd.
    /// </summary>
    internal static int Send(SeqPacketSocket socket, byte[] message, FileDescriptor[] fds, bool split)
    {
        int n = fds.Length;
        int first = split && n > 1 ? n / 2 : n;
        static int Space(int k) => k == 0 ? 0 : CmsgHdr.HeaderSize + ((k * sizeof(int) + 7) & ~7);
        int controlLength = Space(first) + Space(n - first);
        byte* control = stackalloc byte[Math.Max(controlLength, 8)];
        new Span<byte>(control, controlLength).Clear();
        byte* p = control;
        int at = 0;
        foreach (int k in (ReadOnlySpan<int>)[first, n - first])
        {
            if (k == 0) continue;
            var cmsg = (CmsgHdr*)p;
            cmsg->Length = (nuint)(CmsgHdr.HeaderSize + k * sizeof(int));
            cmsg->Level = CmsgHdr.SOL_SOCKET;
            cmsg->Type = CmsgHdr.SCM_RIGHTS;
            for (int i = 0; i < k; i++) ((int*)(p + CmsgHdr.HeaderSize))[i] = fds[at++].Value;
            p += Space(k);
        }
        fixed (byte* data = message)
        {
            var iov = new IoVec { Base = data, Length = (nuint)message.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1, Control = controlLength > 0 ? control : null, ControlLength = (nuint)controlLength };
            nint sent = Libc.SendMsg(socket.Descriptor.Value, &header, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
            return sent == message.Length ? 0 : sent < 0 ? Errno.Last : Errno.EIO;
        }
    }
}
