using System.Diagnostics;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// Counters a long catalog copy updates from many requests at once and a task reads every few
/// seconds to print "entries, bytes, elapsed".
/// </summary>
public sealed class CatalogProgress
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _entries;
    private long _bytes;

    public long Entries => Interlocked.Read(ref _entries);

    public long Bytes => Interlocked.Read(ref _bytes);

    public TimeSpan Elapsed => _clock.Elapsed;

    public void AddEntries(int count) => Interlocked.Add(ref _entries, count);

    public void AddBytes(int count) => Interlocked.Add(ref _bytes, count);

    public override string ToString() =>
        $"{Entries:N0} entries, {Bytes / 1048576.0:0.0} MiB, {Elapsed.TotalSeconds:0.0} s";
}
