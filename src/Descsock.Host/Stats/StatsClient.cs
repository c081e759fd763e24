using System.Net.Sockets;
using System.Text;
using Descsock.Interop;
namespace Descsock.Host.Stats;

/// <summary>
/// The reading side of the agent's stats socket: connect, read to end of stream, done. Failures
/// become <see cref="DescsockException"/>s with the errno of the seed's table, so that the CLI
/// reports them like every other connection failure (exit code 3).
/// </summary>
internal static class StatsClient
{
    /// <summary>An answer larger than this is not the agent's (a few hundred bytes per service).</summary>
    private const int MaxAnswer = 4 << 20;

    /// <summary>Reads the document the agent writes on <paramref name="path"/>, as text.</summary>
    public static async Task<string> FetchAsync(string path, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), deadline.Token);
        }
        catch (SocketException e)
        {
            throw new DescsockException(ToErrno(e), $"cannot connect to the agent's stats socket '{path}': is `descsock agent` running?");
        }
        catch (OperationCanceledException)
        {
            throw new DescsockException(Errno.ETIMEDOUT, $"cannot connect to the agent's stats socket '{path}' within {timeout.TotalSeconds:0.#} s");
        }
        using var answer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            for (int n; (n = await socket.ReceiveAsync(chunk, SocketFlags.None, deadline.Token)) > 0;)
            {
                answer.Write(chunk, 0, n);
                if (answer.Length > MaxAnswer) throw new DescsockException(Errno.EPROTO, $"'{path}' answered more than {MaxAnswer} bytes");
            }
        }
        catch (SocketException e)
        {
            throw new DescsockException(ToErrno(e), $"lost the agent's stats socket '{path}' while reading");
        }
        catch (OperationCanceledException)
        {
            throw new DescsockException(Errno.ETIMEDOUT, $"the agent at '{path}' did not answer within {timeout.TotalSeconds:0.#} s");
        }
        return Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
    }

    /// <summary>
    /// The errno behind a socket failure. .NET folds errno into <see cref="SocketError"/> (a
    /// missing socket file, ENOENT, arrives as AddressNotAvailable), so map back.
    /// </summary>
    private static int ToErrno(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressNotAvailable => Errno.ENOENT,
        SocketError.ConnectionRefused => Errno.ECONNREFUSED,
        SocketError.AccessDenied => Errno.EACCES,
        SocketError.ConnectionReset => Errno.ECONNRESET,
        SocketError.TimedOut => Errno.ETIMEDOUT,
        SocketError.Shutdown or SocketError.NotConnected => Errno.ENOTCONN,
        _ => Errno.EIO,
    };
}
