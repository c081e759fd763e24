using System.Diagnostics;
using System.Text;
namespace Descsock.Host.Peers;

/// <summary>
/// What a child process prints on stdout and stderr, collected line by line as it arrives, for
/// logs, failure messages and parsing. Thread-safety: <see cref="Text"/> may be read from any
/// thread; the per-line callback runs under the collector's lock, one line at a time.
/// </summary>
public sealed class ProcessOutput
{
    private readonly StringBuilder _text = new();
    private readonly Action<string>? _onLine;

    /// <summary>Starts collecting <paramref name="process"/>'s output (both streams must be redirected).</summary>
    public ProcessOutput(Process process, Action<string>? onLine = null)
    {
        _onLine = onLine;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything printed so far.</summary>
    public string Text
    {
        get { lock (_text) return _text.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_text)
        {
            _text.AppendLine(line);
            _onLine?.Invoke(line);
        }
    }
}
