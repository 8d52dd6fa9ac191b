using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Racket;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Versions;

namespace PkgBuild.Tasks;

/// <summary>
/// CopyCatalog's first half, run on every build: asks each <c>PkgBuildSourceCatalog</c> whether it
/// changed (conditional GET of pkgs-all, or a content hash of a directory) and keeps a snapshot. The
/// fingerprint file it leaves changes only when a source did, so the CopyCatalog target is skipped as
/// up to date otherwise.
/// </summary>
public sealed class FetchCatalogSources : PkgBuildTask
{
    [Required]
    public ITaskItem[] Sources { get; set; } = [];

    [Required]
    public string StateDirectory { get; set; } = "";

    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>PkgBuildRacketVersion; empty means the version of the racket on PATH.</summary>
    public string? RacketVersion { get; set; }

    /// <summary>PkgBuildRefreshCatalog: download everything again instead of asking "changed since?".</summary>
    public bool Refresh { get; set; }

    /// <summary><c>PkgBuildCatalogParallelRequests</c> (its default is Sdk.props's).</summary>
    [Required]
    public int ParallelRequests { get; set; }

    /// <summary>The Racket version the catalogs were asked for (<c>?version=</c>).</summary>
    [Output]
    public string? UsedRacketVersion { get; set; }

    protected override void ExecuteCore()
    {
        if (Sources.Length == 0)
        {
            throw new PkgBuildException(ErrorCodes.InvalidItem,
                "There is no PkgBuildSourceCatalog item: add at least one catalog (an http(s) URL or a directory).", SourceLocation.InFile(ProjectFile));
        }
        if (ParallelRequests < 1)
        {
            throw new PkgBuildException(ErrorCodes.InvalidProperty,
                $"PkgBuildCatalogParallelRequests is {ParallelRequests}; it must be at least 1.", SourceLocation.InFile(ProjectFile));
        }
        var version = ResolveVersion(); UsedRacketVersion = version;
        var sources = Sources.Select(Locate).ToList();

        var progress = new CatalogProgress();
        using var http = new CatalogHttpClient(log: message => Log.LogMessage(MessageImportance.Normal, message));
        var fetcher = new CatalogFetcher(http, LogWarning, progress) { MaxParallelRequests = ParallelRequests };
        var state = Wait(fetcher.FetchAsync(sources, version, StateDirectory, Refresh, CancellationToken),
            () => Log.LogMessage(MessageImportance.High, "CopyCatalog: fetching catalogs: {0}", progress));
        foreach (var source in state.Sources)
        {
            Log.LogMessage(MessageImportance.Normal, "Catalog source {0} ({1}): fingerprint {2}", source.Source, source.Form, source.Fingerprint[..12]);
        }
        Log.LogMessage(MessageImportance.Normal, "Catalog sources for Racket {0}: {1}", version, progress.Summary(state.Sources));
    }

    private string ResolveVersion()
    {
        if (!string.IsNullOrWhiteSpace(RacketVersion))
        {
            if (!Racket.Versions.RacketVersion.TryParse(RacketVersion.Trim(), out _))
            {
                throw new PkgBuildException(ErrorCodes.InvalidProperty,
                    $"PkgBuildRacketVersion '{RacketVersion}' is not a Racket version such as 8.7 or 8.11.1.", SourceLocation.InFile(ProjectFile));
            }
            return RacketVersion.Trim();
        }
        var installed = Wait(InstalledRacket.TryGetVersionAsync(Path.Combine(StateDirectory, "racket-version"), CancellationToken));
        if (installed == null)
        {
            throw new PkgBuildException(ErrorCodes.InvalidProperty,
                "PkgBuildRacketVersion is not set and there is no racket on PATH to ask. Put the racket under test on PATH: a Local guest with PkgBuildRacket=Preinstalled runs that one, so there setting the version alone does not help. "
                + "When the guests get their Racket elsewhere (an installer, an image, a VM), set PkgBuildRacketVersion to its version instead (e.g. 8.7), which catalogs are asked for with ?version=.",
                SourceLocation.InFile(ProjectFile));
        }
        Log.LogMessage(MessageImportance.Normal, "PkgBuildRacketVersion is not set; using {0}, the version of the racket on PATH.", installed);
        return installed;
    }

    /// <summary>URLs are kept as written; a directory is relative to the project, not to where MSBuild runs.</summary>
    private string Locate(ITaskItem item)
    {
        var spec = item.ItemSpec.Trim();
        return spec.Contains("://", StringComparison.Ordinal) ? spec : Path.GetFullPath(spec, ProjectDirectory);
    }
}
