using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// <c>site/built/</c>: the one catalog guests use during a run, as pkg-build's <c>built</c> catalog laid
/// over its archive. A package built in this run or an earlier unchanged one is its compiled zip from
/// <c>raco pkg create --built</c> (<c>built/pkgs/&lt;name&gt;.zip</c>); any other is the archive's zip. So a
/// dependency already built is installed, not compiled again, and each install needs one catalog only
/// (<c>raco pkg install --catalog</c>, no configuration step). Sources are relative, so the catalog
/// works at any URL: a <c>file://</c> path or the served site.
/// </summary>
/// <param name="builtDirectory">Relative to the site root: <c>built</c>, or <c>baseline/built</c> for the baseline side.</param>
public sealed class BuiltCatalog(string siteDirectory, string builtDirectory = BuiltCatalog.Directory)
{
    public const string Directory = "built";

    private string Root => Path.Combine(siteDirectory, builtDirectory);

    /// <summary>From the catalog directory up to the site root, for the sources of entries that are not built here.</summary>
    private string UpToSite => string.Concat(Enumerable.Repeat("../", builtDirectory.Split('/').Length + 1));

    private string EntriesDirectory => Path.Combine(Root, "catalog", DirectoryCatalog.PackagesDirectory);

    private string EntryPath(string package) => Path.Combine(EntriesDirectory, package);

    private string ZipPath(string package) => Path.Combine(Root, "pkgs", package + ".zip");

    /// <summary>The packages whose built zip is published.</summary>
    public IEnumerable<string> Built =>
        System.IO.Directory.Exists(Path.Combine(Root, "pkgs"))
            ? System.IO.Directory.EnumerateFiles(Path.Combine(Root, "pkgs"), "*.zip").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            : [];

    /// <summary>
    /// Makes the catalog the archive's (sources relative to the site root), except for built packages that
    /// <paramref name="stillCurrent"/> keeps and packages <paramref name="borrowed"/> gives a built zip of the
    /// other side for (its inputs are the same here); withdraws the rest. Files are rewritten only when they change.
    /// </summary>
    public void Reset(PackageCatalog archive, Func<string, bool> stillCurrent, Func<string, string?>? borrowed = null)
    {
        foreach (var package in Built.ToList())
        {
            if (archive[package] == null || !stillCurrent(package))
            {
                File.Delete(ZipPath(package));
            }
        }
        System.IO.Directory.CreateDirectory(EntriesDirectory);
        var kept = Built.ToHashSet(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            if (!kept.Contains(entry.Name))
            {
                var zip = borrowed?.Invoke(entry.Name) is { } other && File.Exists(Path.Combine(siteDirectory, other)) ? other : entry.Source;
                var checksum = zip == entry.Source ? entry.Checksum ?? "" : IO.Sha1.OfFile(Path.Combine(siteDirectory, zip!));
                AtomicFile.WriteAllTextIfChanged(EntryPath(entry.Name),
                    DatumWriter.WriteToString(entry.Without("versions").WithSource(UpToSite + zip).WithChecksum(checksum).Data));
            }
        }
        foreach (var stale in System.IO.Directory.EnumerateFiles(EntriesDirectory).Where(f => archive[Path.GetFileName(f)] == null).ToList())
        {
            File.Delete(stale);
        }
    }

    /// <summary>Where a built package's zip is, relative to the site root, when it is built here.</summary>
    public string? BuiltZip(string package) => File.Exists(ZipPath(package)) ? $"{builtDirectory}/pkgs/{package}.zip" : null;

    /// <summary>Publishes a built zip under the archive's entry for the package (dependencies, author, ... kept).</summary>
    public void Publish(string package, string builtZip, CatalogEntry archived)
    {
        var zip = ZipPath(package);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(zip)!);
        var staged = zip + ".partial";
        File.Copy(builtZip, staged, overwrite: true);
        var checksum = IO.Sha1.OfFile(staged);
        File.Move(staged, zip, overwrite: true);
        var entry = archived.Without("versions").WithSource($"../pkgs/{package}.zip").WithChecksum(checksum);
        AtomicFile.WriteAllText(EntryPath(package), DatumWriter.WriteToString(entry.Data));
    }
}
