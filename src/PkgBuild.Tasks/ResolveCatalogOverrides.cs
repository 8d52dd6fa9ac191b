using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Git;

namespace PkgBuild.Tasks;

/// <summary>
/// Checks every <c>PkgBuildOverride</c> and resolves its rev to a commit with <c>git ls-remote</c>, on
/// every build (a branch head may have moved). Writes the result to a file that changes only when an
/// override or a commit did, which is EditCatalog's input.
/// </summary>
public sealed class ResolveCatalogOverrides : PkgBuildTask
{
    public ITaskItem[] Overrides { get; set; } = [];

    [Required]
    public string OutputFile { get; set; } = "";

    /// <summary>The Racket version under test: it decides which versions entry EditCatalog rewrites.</summary>
    [Required]
    public string RacketVersion { get; set; } = "";

    protected override void ExecuteCore()
    {
        var declared = Overrides.Select(item => TaskItems.Override(item, ItemLocation.Of(item, "PkgBuildOverride"), LogWarning)).ToList();

        var resolved = Wait(new OverrideResolver(new GitRevResolver()).ResolveAsync(declared, CancellationToken));
        foreach (var (o, commit, resolvedAs) in resolved)
        {
            Log.LogMessage(MessageImportance.High, "PkgBuildOverride {0}: rev '{1}' is {2} {3}",
                o.Name, o.Metadata.GetValueOrDefault("Rev") ?? o.Metadata.GetValueOrDefault("Commit") ?? "(from the source)", resolvedAs, commit);
        }
        if (new OverridesFile(RacketVersion, resolved).Write(OutputFile))
        {
            Log.LogMessage(MessageImportance.Normal, "Overrides changed since the last build; EditCatalog will run.");
        }
    }
}
