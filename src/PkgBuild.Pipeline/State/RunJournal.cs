using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.State;

/// <summary>
/// Every finished package, with the key of the inputs it was built from, one JSON line each, appended and
/// flushed to disk as it finishes: a build killed at any moment (even <c>kill -9</c>) loses no finished
/// result, and the next build redoes only what is missing or changed. A torn last line (killed mid-write)
/// is skipped. <see cref="Compact"/> rewrites it with one line per package, atomically.
/// </summary>
public sealed class RunJournal : IDisposable
{
    public const string FileName = "journal.jsonl";

    private static JsonSerializerOptions Json => ResultJson.Line;

    private readonly string _path;
    private readonly Dictionary<string, JournalEntry> _entries = new(StringComparer.Ordinal);
    private FileStream? _append;

    private RunJournal(string path) => _path = path;

    /// <summary>The latest entry of each package.</summary>
    public IReadOnlyDictionary<string, JournalEntry> Entries => _entries;

    /// <summary>Lines that could not be read (a torn write): their packages are simply redone.</summary>
    public int DamagedLines { get; private set; }

    public static RunJournal Open(string directory)
    {
        var journal = new RunJournal(Path.Combine(directory, FileName));
        if (File.Exists(journal._path))
        {
            foreach (var line in File.ReadLines(journal._path, Encoding.UTF8))
            {
                if (line.Length == 0)
                {
                    continue;
                }
                JournalEntry? entry = null;
                try
                {
                    entry = JsonSerializer.Deserialize<JournalEntry>(line, Json);
                }
                catch (JsonException)
                {
                }
                if (entry?.Result is { } r && PackageName.IsValid(r.Package) && entry.Key is { Length: > 0 })
                {
                    journal._entries[r.Package] = entry with { Result = Upgrade(r) };
                }
                else
                {
                    journal.DamagedLines++;
                }
            }
        }
        return journal;
    }

    /// <summary>Appends one finished package and flushes it to disk before returning.</summary>
    public void Record(string key, PackageResult result)
    {
        var entry = new JournalEntry(key, result);
        var line = JsonSerializer.Serialize(entry, Json) + "\n";
        lock (_entries)
        {
            if (_append == null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                _append = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
                // A torn line at the end (the build was killed mid-write) must not swallow this one.
                if (_append.Length > 0 && LastByte() != '\n')
                {
                    _append.WriteByte((byte)'\n');
                }
            }
            var bytes = Encoding.UTF8.GetBytes(line);
            _append.Write(bytes);
            _append.Flush(flushToDisk: true);
            _entries[result.Package] = entry;
        }
    }

    /// <summary>Rewrites the journal with one line per package, keeping only <paramref name="keep"/> (atomically).</summary>
    public void Compact(Func<string, bool> keep)
    {
        lock (_entries)
        {
            _append?.Dispose();
            _append = null;
            foreach (var gone in _entries.Keys.Where(p => !keep(p)).ToList())
            {
                _entries.Remove(gone);
            }
            var text = new StringBuilder();
            foreach (var entry in _entries.Values.OrderBy(e => e.Result.Package, StringComparer.Ordinal))
            {
                text.Append(JsonSerializer.Serialize(entry, Json)).Append('\n');
            }
            AtomicFile.WriteAllText(_path, text.ToString());
        }
    }

    public void Dispose()
    {
        lock (_entries)
        {
            _append?.Dispose();
            _append = null;
        }
    }

    /// <summary>
    /// A result as an older version wrote it, read as this one would have written it. Outcomes are spelled as
    /// they always were (<see cref="OutcomeTerms"/>: the kebab-case of the name), so only the step changed:
    /// before, every success had step <c>install</c>; a success's step is now the last step that ran, which
    /// such a line tells by its test log (<c>test</c>), or else was the dependency check (<c>check-deps</c>,
    /// which every success passed). Keys are not touched: the results built from the same inputs are kept.
    /// </summary>
    internal static PackageResult Upgrade(PackageResult result) => result is { Outcome: PackageOutcome.Success, Step: StepNames.Install }
        ? result with { Step = result.TestLog != null ? StepNames.Test : StepNames.CheckDeps }
        : result;

    private int LastByte()
    {
        using var read = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        read.Seek(-1, SeekOrigin.End);
        return read.ReadByte();
    }
}

/// <summary>One line of the journal: the inputs' key and the result built from them.</summary>
public sealed record JournalEntry(string Key, PackageResult Result);
