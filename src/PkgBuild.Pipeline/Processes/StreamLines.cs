using System.Text;

namespace PkgBuild.Pipeline.Processes;

/// <summary>
/// Reads a command's output stream in chunks and hands on complete lines. A line longer than
/// <see cref="MaxLineChars"/> is handed on in pieces of that size: a package printing dots without end
/// must not grow one line in this process's memory until its time limit. Every chunk counts as output
/// for the silence watchdog, line or not.
/// </summary>
public static class StreamLines
{
    public const int MaxLineChars = 64 << 10;

    /// <summary>Reads on a thread of its own (the reads block), so many commands at once do not starve the thread pool.</summary>
    public static Task StartReading(Stream stream, Action<string> onLine, Action<string>? onText = null) =>
        Task.Factory.StartNew(() => Read(stream, onLine, onText), CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.RunContinuationsAsynchronously, TaskScheduler.Default);

    /// <summary>Reads to the end; <paramref name="onText"/> hears every chunk as it came (with or without a newline).</summary>
    public static void Read(Stream stream, Action<string> onLine, Action<string>? onText = null)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[4096];
        var pending = new StringBuilder();
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            onText?.Invoke(new string(buffer, 0, read));
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n')
                {
                    onLine(Line(pending));
                    pending.Clear();
                    continue;
                }
                pending.Append(c);
                if (pending.Length >= MaxLineChars)
                {
                    onLine(pending.ToString());
                    pending.Clear();
                }
            }
        }
        if (pending.Length > 0)
        {
            onLine(Line(pending));
        }
    }

    /// <summary>A line without its carriage return, as line-based readers give it.</summary>
    private static string Line(StringBuilder pending) =>
        pending.Length > 0 && pending[^1] == '\r' ? pending.ToString(0, pending.Length - 1) : pending.ToString();
}
