using System.Text;

namespace PkgBuild.Pipeline.Processes;

/// <summary>
/// A command's output kept in memory up to a cap: a package that floods output must not fill this
/// machine's memory. Past the cap the rest is counted, not kept, and the text ends with a marker.
/// Thread-safe: stdout and stderr arrive on different threads.
/// </summary>
public sealed class OutputBuffer(int maxChars)
{
    private readonly StringBuilder _text = new();
    private long _dropped;

    public void Append(string text)
    {
        lock (_text)
        {
            var room = Math.Max(0, maxChars - _text.Length);
            _text.Append(text.AsSpan(0, Math.Min(room, text.Length)));
            _dropped += Math.Max(0, text.Length - room);
        }
    }

    public void AppendLine(string line) => Append(line + "\n");

    public void Append(char[] buffer, int count) => Append(new string(buffer, 0, count));

    public bool Truncated
    {
        get
        {
            lock (_text)
            {
                return _dropped > 0;
            }
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _dropped == 0 ? _text.ToString() : $"{_text}\n[pkgbuild: output cut here; {_dropped} more characters were not kept]\n";
        }
    }
}
