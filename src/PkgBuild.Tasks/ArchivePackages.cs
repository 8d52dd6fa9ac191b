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

    /// <summary>
    /// For the baseline's archive: catalog-edits.json, whose packages alone are archived (from the copy
    /// before the edit); every other package is the same on both sides.
    /// </summary>
    public string OnlyEditedIn { get; set; } = "";

    /// <summary>Names the step in messages: BuildInstallers, or the baseline's archive.</summary>
    public string Label { get; set; } = "BuildInstallers";

    protected override void ExecuteCore()
    {
        var catalog = DirectoryCatalog.Read(CatalogDirectory);
        if (!string.IsNullOrEmpty(OnlyEditedIn))
        {
            var edited = Pipeline.Catalogs.EditReport.EditedPackages(OnlyEditedIn).ToHashSet(StringComparer.Ordinal);
            catalog = new PackageCatalog(catalog.Entries.Where(e => edited.Contains(e.Name)));
        }
        using var archiver = new PackageArchiver(SiteDirectory, StateDirectory) { MaxParallel = Math.Max(1, Parallelism) };
        var outcomes = Wait(archiver.ArchiveAsync(catalog, CancellationToken),
            () => Log.LogMessage(MessageImportance.High, "{0}: archiving {1} package sources...", Label, catalog.Count));
        foreach (var failed in outcomes.Where(o => !o.Succeeded))
        {
            LogWarning(new PkgBuildException(ErrorCodes.ArchiveFailed,
                $"The source of '{failed.Package}' could not be archived: {failed.Failure} (log: {Path.Combine(SiteDirectory, "archive-fail", failed.Package + ".txt")}).",
                SourceLocation.InFile(Path.Combine(CatalogDirectory, DirectoryCatalog.PackagesDirectory, failed.Package))));
        }
        Log.LogMessage(MessageImportance.High, "{0}: {1} packages archived ({2} reused, {3} failed) -> {4}", Label,
            outcomes.Count(o => o.Succeeded), outcomes.Count(o => o.Reused), outcomes.Count(o => !o.Succeeded), SiteDirectory);
    }
}
