using System.Text;

namespace PkgBuild.Pipeline.Runs;

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
            if (_dropped > 0 || _written + bytes > _maxBytes)
            {
                _dropped += bytes;
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
