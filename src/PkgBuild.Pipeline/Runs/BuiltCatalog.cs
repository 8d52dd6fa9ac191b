using System.Security.Cryptography;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;

namespace PkgBuild.Pipeline.Runs;

/// <summary>
/// <c>site/built/</c>: the one catalog guests use during a run, as pkg-build's <c>built</c> catalog laid
/// over its archive. A package built in this run or an earlier unchanged one is its compiled zip from
/// <c>raco pkg create --built</c> (<c>built/pkgs/&lt;name&gt;.zip</c>); any other is the archive's zip. So a
/// dependency already built is installed, not compiled again, and each install needs one catalog only
/// (<c>raco pkg install --catalog</c>, no configuration step). Sources are relative, so the catalog
/// works at any URL: a <c>file://</c> path or the served site.
/// </summary>
public sealed class BuiltCatalog(string siteDirectory)
{
    public const string Directory = "built";

    private string Root => Path.Combine(siteDirectory, Directory);

    private string EntriesDirectory => Path.Combine(Root, "catalog", DirectoryCatalog.PackagesDirectory);

    private string EntryPath(string package) => Path.Combine(EntriesDirectory, package);

    private string ZipPath(string package) => Path.Combine(Root, "pkgs", package + ".zip");

    /// <summary>The packages whose built zip is published.</summary>
    public IEnumerable<string> Built =>
        System.IO.Directory.Exists(Path.Combine(Root, "pkgs"))
            ? System.IO.Directory.EnumerateFiles(Path.Combine(Root, "pkgs"), "*.zip").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            : [];

    /// <summary>
    /// Makes the catalog the archive's, except for built packages that <paramref name="stillCurrent"/>
    /// keeps; withdraws the rest. Files are rewritten only when they change.
    /// </summary>
    public void Reset(PackageCatalog archive, Func<string, bool> stillCurrent)
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
                // Relative to built/catalog/: the archive's zip, two levels up.
                AtomicFile.WriteAllTextIfChanged(EntryPath(entry.Name),
                    DatumWriter.WriteToString(entry.Without("versions").WithSource($"../../pkgs/{entry.Name}.zip").Data));
            }
        }
        foreach (var stale in System.IO.Directory.EnumerateFiles(EntriesDirectory).Where(f => archive[Path.GetFileName(f)] == null).ToList())
        {
            File.Delete(stale);
        }
    }

    /// <summary>Publishes a built zip under the archive's entry for the package (dependencies, author, ... kept).</summary>
    public void Publish(string package, string builtZip, CatalogEntry archived)
    {
        var zip = ZipPath(package);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(zip)!);
        var staged = zip + ".partial";
        File.Copy(builtZip, staged, overwrite: true);
        string checksum;
        using (var stream = File.OpenRead(staged))
        {
            checksum = Convert.ToHexString(SHA1.HashData(stream)).ToLowerInvariant();
        }
        File.Move(staged, zip, overwrite: true);
        var entry = archived.Without("versions").WithSource($"../pkgs/{package}.zip").WithChecksum(checksum);
        AtomicFile.WriteAllText(EntryPath(package), DatumWriter.WriteToString(entry.Data));
    }
}
