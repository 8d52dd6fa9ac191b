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
    /// Reads every <c>pkg/&lt;name&gt;</c>. A file whose name is not a valid package name is skipped and
    /// reported through <paramref name="skipped"/> (never opened: a catalog is untrusted input).
    /// </summary>
    public static PackageCatalog Read(string directory, Action<string>? skipped = null)
    {
        var packages = Path.Combine(directory, PackagesDirectory);
        if (!Directory.Exists(packages))
        {
            throw new PkgBuildException(ErrorCodes.NotACatalog,
                $"'{directory}' is not a directory catalog: it has no '{PackagesDirectory}/' directory.", SourceLocation.InFile(directory));
        }
        var entries = new List<CatalogEntry>();
        foreach (var path in Directory.EnumerateFiles(packages).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!PackageName.IsValid(name))
            {
                skipped?.Invoke(name);
                continue;
            }
            entries.Add(CatalogEntry.FromDatum(name, DatumReader.ReadSingleFile(path)));
        }
        return new PackageCatalog(entries);
    }

    /// <summary>
    /// Writes <paramref name="catalog"/> into <paramref name="directory"/> (which should be new and empty:
    /// callers build in a staging directory and swap it in). <c>pkgs-all</c> and <c>pkgs</c> list names in
    /// ordinal order, as Racket CS sorts them.
    /// </summary>
    public static void Write(PackageCatalog catalog, string directory)
    {
        var packages = Path.Combine(directory, PackagesDirectory);
        Directory.CreateDirectory(packages);
        foreach (var entry in catalog.Entries)
        {
            if (!PackageName.IsValid(entry.Name))
            {
                throw new PkgBuildException(ErrorCodes.DataNotWritable, $"'{entry.Name}' is not a valid package name; it cannot become a file name.");
            }
            WriteDatum(Path.Combine(packages, entry.Name), entry.Data);
        }
        WriteDatum(Path.Combine(directory, NamesFile),
            new RacketList(catalog.Names.Select(name => (Datum)new RacketString(name)).ToArray()));
        WriteDatum(Path.Combine(directory, AllFile),
            new RacketHash(catalog.Entries.Select(e => KeyValuePair.Create<Datum, Datum>(new RacketString(e.Name), e.Data))));
    }

    private static void WriteDatum(string path, Datum datum)
    {
        using var output = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        DatumWriter.Write(datum, output);
    }
}
