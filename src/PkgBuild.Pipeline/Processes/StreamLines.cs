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

    public static void Read(Stream stream, Action<string> onLine, Action? onChunk = null)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[4096];
        var pending = new StringBuilder();
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            onChunk?.Invoke();
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
