using PkgBuild.Pipeline.Archive;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Tasks;

/// <summary>
/// Writes a stamp that changes only when the content of a local directory source of the edited catalog
/// does: such a package has no checksum in its catalog entry, so without this an edited package directory
/// would never be archived again.
/// </summary>
public sealed class FingerprintLocalSources : PkgBuildTask
{
    [Microsoft.Build.Framework.Required]
    public string CatalogDirectory { get; set; } = "";

    [Microsoft.Build.Framework.Required]
    public string StampFile { get; set; } = "";

    protected override void ExecuteCore() =>
        AtomicFile.WriteAllTextIfChanged(StampFile, PackageArchiver.LocalSourcesFingerprint(DirectoryCatalog.Read(CatalogDirectory)) + "\n");
}
