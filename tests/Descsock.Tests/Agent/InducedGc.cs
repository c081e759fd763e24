using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
namespace Descsock.Tests.Agent;

/// <summary>
/// Makes another .NET process run a full blocking garbage collection, the way <c>dotnet-gcdump</c>
/// does: through the runtime's diagnostics IPC socket (<c>TMPDIR/dotnet-diagnostic-PID-*-socket</c>),
/// an EventPipe session that enables the runtime provider's GCHeapCollect keyword. The runtime
/// collects while it enables the session, before it answers; the session is stopped at once.
/// Wire format: dotnet/diagnostics, documentation/design-docs/ipc-protocol.md.
/// <code>
/// header: 0 magic "DOTNET_IPC_V1\0" | 14 size (u16, header included) | 16 command set | 17 command id | 18 reserved (u16)
/// CollectTracing2 (0x02, 0x03): buffer MiB (u32) | format (u32, 1 = nettrace) | rundown (u8)
///     | providers (u32 count, each: keywords u64, level u32, name string, filter string)
/// StopTracing (0x02, 0x01): session id (u64). Strings: u32 length in chars with the NUL, UTF-16LE.
/// Answers: header with command set 0xFF, id 0x00 (OK: session id u64) or 0xFF (error: HRESULT u32).
/// </code>
/// </summary>
public static class InducedGc
{
    private const int HeaderSize = 20;
    private const byte EventPipe = 0x02, StopTracing = 0x01, CollectTracing2 = 0x03, Server = 0xFF, Ok = 0x00;
    private const ulong GcHeapCollectKeyword = 0x800000;
    private const uint Informational = 4;

    /// <summary>Runs a full GC in <paramref name="pid"/>; returns once the runtime has answered and the session is closed.</summary>
    public static async Task CollectAsync(int pid)
    {
        // The name's second number is the process's start time (field 22 of /proc/PID/stat), so a
        // stale socket of an earlier process with the same pid (one killed with SIGKILL) is not taken.
        string startTime = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat").Split(')')[^1].Split(' ')[20];
        string socket = Path.Combine(Path.GetTempPath(), $"dotnet-diagnostic-{pid.ToString(CultureInfo.InvariantCulture)}-{startTime}-socket");
        using var session = await ConnectAsync(socket);
        await session.SendAsync(Message(CollectTracing2, w =>
        {
            w.Write(1u);            // circular buffer, MiB
            w.Write(1u);            // nettrace
            w.Write((byte)0);       // no rundown
            w.Write(1u);            // one provider
            w.Write(GcHeapCollectKeyword);
            w.Write(Informational);
            WriteString(w, "Microsoft-Windows-DotNETRuntime");
            w.Write(0u);            // no filter
        }));
        ulong id = await ReadSessionIdAsync(session);
        // The trace stream follows the answer on the same connection: drain it until the runtime closes it.
        var drain = Task.Run(async () =>
        {
            var sink = new byte[64 * 1024];
            while (await session.ReceiveAsync(sink, SocketFlags.None) > 0) { }
        });
        using (var stop = await ConnectAsync(socket))
        {
            await stop.SendAsync(Message(StopTracing, w => w.Write(id)));
            await ReadSessionIdAsync(stop);
        }
        await drain.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<Socket> ConnectAsync(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await s.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return s;
    }

    private static byte[] Message(byte command, Action<BinaryWriter> payload)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.Unicode, leaveOpen: true)) payload(w); // little-endian, as the protocol
        var m = new byte[HeaderSize + body.Length];
        "DOTNET_IPC_V1\0"u8.CopyTo(m);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(14), (ushort)m.Length);
        m[16] = EventPipe;
        m[17] = command;
        body.ToArray().CopyTo(m, HeaderSize);
        return m;
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        w.Write((uint)s.Length + 1);
        w.Write(Encoding.Unicode.GetBytes(s + "\0"));
    }

    private static async Task<ulong> ReadSessionIdAsync(Socket s)
    {
        var answer = new byte[HeaderSize + 8];
        for (int got = 0, n; got < answer.Length; got += n)
            if ((n = await s.ReceiveAsync(answer.AsMemory(got), SocketFlags.None)) == 0)
                if (got >= HeaderSize + 4) break; // an error answer is shorter
                else throw new IOException("the runtime closed the diagnostics connection without answering");
        if (answer[16] != Server || answer[17] != Ok)
            throw new IOException($"the runtime refused the EventPipe command: HRESULT 0x{BinaryPrimitives.ReadUInt32LittleEndian(answer.AsSpan(HeaderSize)):X8}");
        return BinaryPrimitives.ReadUInt64LittleEndian(answer.AsSpan(HeaderSize));
    }
}
