using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Archive;
using PkgBuild.Pipeline.Catalogs;
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

    /// <summary><c>PkgBuildArchiveParallelism</c> (its default is Sdk.props's).</summary>
    [Required]
    public int Parallelism { get; set; }

    /// <summary>
    /// For the baseline's archive: catalog-edits.json, whose packages alone are archived (from the copy
    /// before the edit); every other package is the same on both sides.
    /// </summary>
    public string OnlyEditedIn { get; set; } = "";

    /// <summary>The entries of <see cref="CatalogDirectory"/> that came from a remote catalog (CopyCatalog's or EditCatalog's list).</summary>
    [Required]
    public string RemoteEntriesFile { get; set; } = "";

    /// <summary>PkgBuildAllowedSourceHosts: semicolon-separated hosts a remote catalog's sources may reach on this machine.</summary>
    public string AllowedSourceHosts { get; set; } = "";

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
        var remote = RemoteCatalogEntries.Read(RemoteEntriesFile);
        using var archiver = new PackageArchiver(SiteDirectory, StateDirectory)
        {
            MaxParallel = Math.Max(1, Parallelism),
            RemoteEntries = remote,
            SourcePolicy = SourceHostPolicy.FromProperty(AllowedSourceHosts, remote.CatalogEndpoints),
        };
        var outcomes = Wait(archiver.ArchiveAsync(catalog, CancellationToken),
            () => Log.LogMessage(MessageImportance.High, "{0}: archiving {1} package sources...", Label, catalog.Count));
        foreach (var failed in outcomes.Where(o => !o.Succeeded))
        {
            var where = SourceLocation.InFile(Path.Combine(CatalogDirectory, DirectoryCatalog.PackagesDirectory, failed.Package));
            LogWarning(failed.Refused is { } refused
                ? SourceHostPolicy.Warning(failed.Package, catalog[failed.Package]?.Source ?? "", refused, where)
                : new PkgBuildException(ErrorCodes.ArchiveFailed,
                    $"The source of '{failed.Package}' could not be archived: {failed.Failure} (log: {Path.Combine(SiteDirectory, "archive-fail", failed.Package + ".txt")}).",
                    where));
        }
        Log.LogMessage(MessageImportance.High, "{0}: {1} packages archived ({2} reused, {3} failed) -> {4}", Label,
            outcomes.Count(o => o.Succeeded), outcomes.Count(o => o.Reused), outcomes.Count(o => !o.Succeeded), SiteDirectory);
    }
}
