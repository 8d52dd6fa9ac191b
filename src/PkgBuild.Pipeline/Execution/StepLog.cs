using System.Text;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// One step's log (<c>logs/&lt;pkg&gt;/install.txt</c>...), written as the output arrives so a long step
/// can be watched, and cut with a marker at <c>PkgBuildMaxLogSize</c>: a package that floods its output
/// cannot fill the disk. Written beside the target and renamed into place when the step ends, so a log
/// is never half of one run and half of another.
/// </summary>
public sealed class StepLog : IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly long _maxBytes;
    private readonly StreamWriter _writer;
    private long _written;
    private long _dropped;

    public StepLog(string path, long maxBytes, string header)
    {
        _path = path;
        _maxBytes = maxBytes;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _temp = path + ".partial";
        _writer = new StreamWriter(_temp, append: false, new UTF8Encoding(false)) { AutoFlush = false };
        Line(header);
    }

    public void Line(string line)
    {
        lock (_writer)
        {
            var bytes = Encoding.UTF8.GetByteCount(line) + 1;
            if (_dropped > 0)
            {
                _dropped += bytes;
                return;
            }
            if (_written + bytes > _maxBytes)
            {
                // The line that crosses the cap is kept up to it: a flood's first bytes show what it was.
                var room = Math.Max(0, _maxBytes - _written - 1);
                int kept = 0, keptBytes = 0;
                while (kept < line.Length)
                {
                    var pair = char.IsHighSurrogate(line[kept]) && kept + 1 < line.Length && char.IsLowSurrogate(line[kept + 1]);
                    var size = pair ? 4 : line[kept] < 0x80 ? 1 : line[kept] < 0x800 ? 2 : 3;
                    if (keptBytes + size > room)
                    {
                        break;
                    }
                    keptBytes += size;
                    kept += pair ? 2 : 1;
                }
                if (kept > 0)
                {
                    _writer.Write(line.AsSpan(0, kept));
                    _writer.Write('\n');
                    _written += keptBytes + 1;
                }
                _dropped += bytes - (kept > 0 ? keptBytes + 1 : 0);
                return;
            }
            _written += bytes;
            _writer.Write(line);
            _writer.Write('\n');
        }
    }

    /// <summary>Ends the log with <paramref name="footer"/> and moves it into place.</summary>
    public void Complete(string footer)
    {
        lock (_writer)
        {
            if (_dropped > 0)
            {
                _writer.Write($"[pkgbuild: log cut here at PkgBuildMaxLogSize ({_maxBytes} bytes); {_dropped} more bytes of output were not kept]\n");
            }
            _writer.Write(footer);
            _writer.Write('\n');
            _writer.Dispose();
        }
        File.Move(_temp, _path, overwrite: true);
    }

    public void Dispose()
    {
        lock (_writer)
        {
            _writer.Dispose();
        }
        if (File.Exists(_temp))
        {
            File.Delete(_temp);
        }
    }
}
