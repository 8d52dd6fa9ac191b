using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Catalogs;

namespace PkgBuild.Tasks;

/// <summary>
/// CopyCatalog's second half, run when a source changed: combines the fetched sources into one
/// directory catalog (<c>pkg/&lt;name&gt;</c>, <c>pkgs</c>, <c>pkgs-all</c>), swapped in only when complete.
/// The hash file changes only when the catalog's content does, so EditCatalog reruns only then.
/// </summary>
public sealed class CopyCatalog : PkgBuildTask
{
    [Required]
    public string StateDirectory { get; set; } = "";

    [Required]
    public string Destination { get; set; } = "";

    [Required]
    public string HashFile { get; set; } = "";

    /// <summary>Where the names of the entries that came from a remote catalog go, for the archive's source policy.</summary>
    [Required]
    public string RemoteEntriesFile { get; set; } = "";

    /// <summary>PkgBuildAllowedSourceHosts: semicolon-separated hosts a remote catalog's sources may name on this machine.</summary>
    public string AllowedSourceHosts { get; set; } = "";

    [Output]
    public int PackageCount { get; set; }

    protected override void ExecuteCore()
    {
        var state = CatalogFetchState.Load(StateDirectory);
        var progress = new CatalogProgress();
        var result = new CatalogCopier(LogWarning, progress, AllowedSourceHosts.Split(';')).Copy(state, StateDirectory, Destination, HashFile);
        result.Remote.Write(RemoteEntriesFile);
        PackageCount = result.Catalog.Count;
        if (!result.Changed)
        {
            // The target's up-to-date check compares pkgs-all with the sources' fingerprint: mark it current.
            File.SetLastWriteTimeUtc(Path.Combine(Destination, Racket.Catalogs.DirectoryCatalog.AllFile), DateTime.UtcNow);
        }
        Log.LogMessage(MessageImportance.High, result.Changed
                ? "CopyCatalog: {0} packages from {1} catalog(s) -> {2} ({3:0.0} s)"
                : "CopyCatalog: {0} packages from {1} catalog(s); {2} already holds exactly these ({3:0.0} s)",
            result.Catalog.Count, state.Sources.Count, Destination, progress.Elapsed.TotalSeconds);
    }
}
