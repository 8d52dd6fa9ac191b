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

    /// <summary>Entries are counted only where they are fetched one by one; elsewhere no count is better than 0.</summary>
    public override string ToString() =>
        (Entries > 0 ? $"{Entries:N0} entries, " : "") + $"{Bytes / 1048576.0:0.0} MiB, {Elapsed.TotalSeconds:0.0} s";

    /// <summary>
    /// What a fetch did with each form of source, then the counters: a directory or a <c>pkgs-all</c> is
    /// not read entry by entry here (the copy reads it), so it is not announced as some number of entries.
    /// </summary>
    public string Summary(IReadOnlyList<CatalogSourceSnapshot> sources)
    {
        var parts = new List<string>();
        void Add(CatalogSourceForm form, string what)
        {
            var count = sources.Count(s => s.Form == form);
            if (count > 0)
            {
                parts.Add($"{count} {what}");
            }
        }
        Add(CatalogSourceForm.Directory, "directory catalog(s), read when copied");
        Add(CatalogSourceForm.PkgsAll, "pkgs-all file(s), read when copied");
        Add(CatalogSourceForm.PkgByPkg, "catalog(s) fetched entry by entry");
        return string.Join("; ", parts) + $" ({this})";
    }
}
