using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Archive;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// The archive half of BuildInstallers: every package of the edited catalog fetched once into the site
/// (<c>pkgs/&lt;name&gt;.zip</c> and a catalog with relative sources), so guests install with no network.
/// </summary>
public sealed class ArchivePackages : PkgBuildTask
{
    [Required]
    public string CatalogDirectory { get; set; } = "";

    [Required]
    public string SiteDirectory { get; set; } = "";

    [Required]
    public string StateDirectory { get; set; } = "";

    public int Parallelism { get; set; } = 4;

    protected override void ExecuteCore()
    {
        var catalog = DirectoryCatalog.Read(CatalogDirectory);
        using var archiver = new PackageArchiver(SiteDirectory, StateDirectory) { MaxParallel = Math.Max(1, Parallelism) };
        var outcomes = Wait(archiver.ArchiveAsync(catalog, CancellationToken),
            () => Log.LogMessage(MessageImportance.High, "BuildInstallers: archiving {0} package sources...", catalog.Count));
        foreach (var failed in outcomes.Where(o => !o.Succeeded))
        {
            LogWarning(new PkgBuildException(ErrorCodes.ArchiveFailed,
                $"The source of '{failed.Package}' could not be archived: {failed.Failure} (log: {Path.Combine(SiteDirectory, "archive-fail", failed.Package + ".txt")}).",
                SourceLocation.InFile(Path.Combine(CatalogDirectory, DirectoryCatalog.PackagesDirectory, failed.Package))));
        }
        Log.LogMessage(MessageImportance.High, "BuildInstallers: {0} packages archived ({1} reused, {2} failed) -> {3}",
            outcomes.Count(o => o.Succeeded), outcomes.Count(o => o.Reused), outcomes.Count(o => !o.Succeeded), SiteDirectory);
    }
}
