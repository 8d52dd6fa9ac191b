using System.Security.Cryptography;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;

namespace PkgBuild.Pipeline.Runs;

/// <summary>
/// <c>site/built/</c>: each successfully installed package as <c>raco pkg create --built</c> made it
/// (compiled), with a catalog entry whose source is relative, as pkg-build's <c>built</c> catalog. Guests
/// list it before the archive's catalog, so a dependency already built is installed, not compiled again.
/// </summary>
public sealed class BuiltCatalog(string siteDirectory)
{
    public const string Directory = "built";

    private string Root => Path.Combine(siteDirectory, Directory);

    private string EntryPath(string package) => Path.Combine(Root, "catalog", DirectoryCatalog.PackagesDirectory, package);

    private string ZipPath(string package) => Path.Combine(Root, "pkgs", package + ".zip");

    public bool Contains(string package) => File.Exists(EntryPath(package));

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

    /// <summary>Withdraws a package: the entry first, so no guest finds an entry without its zip.</summary>
    public void Remove(string package)
    {
        File.Delete(EntryPath(package));
        File.Delete(ZipPath(package));
    }

    public IEnumerable<string> Packages =>
        System.IO.Directory.Exists(Path.GetDirectoryName(EntryPath("x")))
            ? System.IO.Directory.EnumerateFiles(Path.GetDirectoryName(EntryPath("x"))!).Select(Path.GetFileName).OfType<string>()
            : [];
}
