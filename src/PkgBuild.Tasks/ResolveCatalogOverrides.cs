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
        var specs = Overrides.Select(FromItem).ToList();

        var resolved = Wait(new OverrideResolver(new GitRevResolver(), LogWarning).ResolveAsync(specs, CancellationToken));
        foreach (var spec in resolved)
        {
            Log.LogMessage(MessageImportance.High, "PkgBuildOverride {0}: rev '{1}' is {2} {3}",
                spec.Name, spec.Rev ?? spec.Commit ?? "(from the source)", spec.ResolvedAs, spec.ResolvedCommit);
        }
        if (new OverridesFile(RacketVersion, resolved).Write(OutputFile))
        {
            Log.LogMessage(MessageImportance.Normal, "Overrides changed since the last build; EditCatalog will run.");
        }
    }

    /// <summary>A PkgBuildOverride item as written, with its place in the project.</summary>
    internal static OverrideSpec FromItem(ITaskItem item) => WithLocation(Unlocated(item), item);

    /// <summary>A PkgBuildOverride item as written, without looking up its line.</summary>
    internal static OverrideSpec Unlocated(ITaskItem item) => new()
    {
        Name = item.ItemSpec,
        Source = item.GetMetadata("Source"),
        Repository = item.GetMetadata("Repository"),
        With = item.GetMetadata("With"),
        Rev = item.GetMetadata("Rev"),
        Commit = item.GetMetadata("Commit"),
    };

    internal static OverrideSpec WithLocation(OverrideSpec spec, ITaskItem item)
    {
        var at = ItemLocation.Of(item, "PkgBuildOverride");
        return spec with { File = at.File, Line = at.Line, Column = at.Column };
    }
}
