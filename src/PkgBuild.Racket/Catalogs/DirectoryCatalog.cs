using System.Runtime.ExceptionServices;
using System.Text;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// The directory form of a catalog, as <c>raco pkg catalog-copy</c> writes it: <c>pkg/&lt;name&gt;</c>
/// (one entry each), <c>pkgs</c> (the names) and <c>pkgs-all</c> (name → entry), written with Racket's
/// <c>write</c> and no trailing newline. Reading lists <c>pkg/</c> and needs neither index file.
/// </summary>
public static class DirectoryCatalog
{
    public const string PackagesDirectory = "pkg";
    public const string NamesFile = "pkgs";
    public const string AllFile = "pkgs-all";

    /// <summary>
    /// Reads the catalog as <c>raco pkg catalog-copy</c> does: from <c>pkgs-all</c> when the directory has
    /// one, else every <c>pkg/&lt;name&gt;</c>. An entry whose name is not a valid package name is skipped and
    /// reported through <paramref name="skipped"/>, with where it was (a <c>pkg/</c> file with such a name
    /// is never opened: a catalog is untrusted input).
    /// </summary>
    /// <param name="errors">
    /// Where malformed entries go: each is added and left out, and reading goes on, so the caller reports
    /// them all (and must not use the catalog when any were added). Without it, they are thrown together
    /// once the whole catalog has been read.
    /// </param>
    public static PackageCatalog Read(string directory, Action<string, SourceLocation>? skipped = null, ErrorCollector? errors = null)
    {
        var all = Path.Combine(directory, AllFile);
        if (File.Exists(all))
        {
            return ReadAll(all, skipped, errors);
        }
        var packages = Path.Combine(directory, PackagesDirectory);
        if (!Directory.Exists(packages))
        {
            throw new PkgBuildException(ErrorCodes.NotACatalog,
                $"'{directory}' is not a directory catalog: it has neither '{AllFile}' nor a '{PackagesDirectory}/' directory.", SourceLocation.InFile(directory));
        }
        var collected = errors ?? new ErrorCollector();
        var entries = new List<CatalogEntry>();
        foreach (var path in Directory.EnumerateFiles(packages).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!PackageName.IsValid(name))
            {
                skipped?.Invoke(name, SourceLocation.InFile(path));
                continue;
            }
            try
            {
                entries.Add(CatalogEntry.FromDatum(name, DatumReader.ReadSingleFile(path)));
            }
            catch (PkgBuildException e)
            {
                collected.Add(e); // one file per entry: a broken one does not hide the next
            }
        }
        if (errors == null)
        {
            collected.ThrowIfAny();
        }
        return new PackageCatalog(entries);
    }

    /// <summary>Which file a directory catalog is read from: <c>pkgs-all</c> when present, else null (read <c>pkg/</c>).</summary>
    public static string? AllFileOf(string directory) =>
        Path.Combine(directory, AllFile) is var all && File.Exists(all) ? all : null;

    private static PackageCatalog ReadAll(string path, Action<string, SourceLocation>? skipped, ErrorCollector? errors)
    {
        using var stream = File.OpenRead(path);
        return ReadPkgsAll(stream, path, skipped, errors);
    }

    /// <summary>
    /// A <c>pkgs-all</c> (a hash of names to entries), read entry by entry; <paramref name="origin"/> (a path
    /// or the URL it came from) names the file in errors. Invalid names are skipped and reported; malformed
    /// entries go to <paramref name="errors"/> as in <see cref="Read"/>.
    /// </summary>
    public static PackageCatalog ReadPkgsAll(Stream stream, string origin, Action<string, SourceLocation>? skipped, ErrorCollector? errors = null)
    {
        var collected = errors ?? new ErrorCollector();
        using var reader = new DatumReader(stream, origin, leaveOpen: true);
        var entries = new List<CatalogEntry>();
        try
        {
            foreach (var (key, value) in reader.ReadHashEntries())
            {
                var name = key is RacketString text ? text.Value : key.ToString();
                if (key is not RacketString || !PackageName.IsValid(name))
                {
                    skipped?.Invoke(name, key.Location);
                    continue;
                }
                try
                {
                    entries.Add(CatalogEntry.FromDatum(name, value));
                }
                catch (PkgBuildException e)
                {
                    collected.Add(e); // read whole but of the wrong shape: the next entry is still readable
                }
            }
        }
        catch (PkgBuildException e)
        {
            // The data itself is broken (an unclosed string, a bad escape): where the next entry would start
            // is unknown, so the rest of the file cannot be read and this is necessarily its last error.
            collected.Add(e);
        }
        if (errors == null)
        {
            collected.ThrowIfAny();
        }
        return new PackageCatalog(entries);
    }

    /// <summary>
    /// Writes <paramref name="catalog"/> into <paramref name="directory"/> (which should be new and empty:
    /// callers build in a staging directory and swap it in). <c>pkgs-all</c> and <c>pkgs</c> list names in
    /// ordinal order, as Racket CS sorts them.
    /// </summary>
    public static void Write(PackageCatalog catalog, string directory) => Write(Render(catalog), directory);

    /// <summary>Writes a catalog rendered by <see cref="Render"/>.</summary>
    public static void Write(RenderedCatalog rendered, string directory)
    {
        var packages = Path.Combine(directory, PackagesDirectory);
        Directory.CreateDirectory(packages);
        // File creation dominates a large copy; it is spread over the cores. The first failure is rethrown
        // as itself, not wrapped, so callers see the IOException they would see from one thread.
        try
        {
            Parallel.ForEach(rendered.Entries, entry => File.WriteAllBytes(Path.Combine(packages, entry.Name), entry.Text));
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        File.WriteAllBytes(Path.Combine(directory, NamesFile), rendered.Names);
        File.WriteAllBytes(Path.Combine(directory, AllFile), rendered.All);
    }

    /// <summary>
    /// The bytes of every file of the directory form, each entry written once: <c>pkgs-all</c> is the
    /// entries' texts joined exactly as <c>write</c> prints a hash (<c>#hash(("name" . entry) ...)</c>).
    /// </summary>
    public static RenderedCatalog Render(PackageCatalog catalog)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var entries = catalog.Entries.ToArray();
        if (entries.FirstOrDefault(e => !PackageName.IsValid(e.Name)) is { } invalid)
        {
            throw new PkgBuildException(ErrorCodes.DataNotWritable, $"'{invalid.Name}' is not a valid package name; it cannot become a file name.");
        }
        var texts = new (string Name, byte[] Text)[entries.Length];
        try
        {
            Parallel.For(0, entries.Length, i => texts[i] = (entries[i].Name, utf8.GetBytes(DatumWriter.WriteToString(entries[i].Data))));
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); // e.g. PKB0107 from the writer
        }

        using var all = new MemoryStream(texts.Sum(t => t.Text.Length + t.Name.Length + 8) + 8);
        all.Write("#hash("u8);
        for (var i = 0; i < texts.Length; i++)
        {
            // A valid package name needs no escapes inside a string literal.
            all.Write(i == 0 ? "(\""u8 : " (\""u8);
            all.Write(Encoding.ASCII.GetBytes(texts[i].Name));
            all.Write("\" . "u8);
            all.Write(texts[i].Text);
            all.Write(")"u8);
        }
        all.Write(")"u8);
        var names = utf8.GetBytes(DatumWriter.WriteToString(
            new RacketList(catalog.Names.Select(name => (Datum)new RacketString(name)).ToArray())));
        return new RenderedCatalog(texts, names, all.ToArray());
    }
}
