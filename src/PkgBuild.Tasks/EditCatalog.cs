using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Tasks;

/// <summary>
/// Applies the resolved overrides to the copied catalog and writes the edited catalog (swapped in only
/// when complete) and the edit report. Runs only when the copied catalog or the overrides changed.
/// </summary>
public sealed class EditCatalog : PkgBuildTask
{
    [Required]
    public string CatalogDirectory { get; set; } = "";

    [Required]
    public string OverridesFile { get; set; } = "";

    [Required]
    public string Destination { get; set; } = "";

    [Required]
    public string HashFile { get; set; } = "";

    [Required]
    public string ReportMarkdown { get; set; } = "";

    [Required]
    public string ReportJson { get; set; } = "";

    /// <summary>CopyCatalog's list of the entries that came from a remote catalog.</summary>
    [Required]
    public string RemoteEntriesFile { get; set; } = "";

    /// <summary>The same list for the edited catalog: overridden entries have the project's source, so they leave it.</summary>
    [Required]
    public string EditedRemoteEntriesFile { get; set; } = "";

    /// <summary>
    /// The PkgBuildOverride items, only to point errors at their lines: the overrides file leaves the lines
    /// out, so that moving an item does not make this step run again.
    /// </summary>
    public ITaskItem[] Overrides { get; set; } = [];

    protected override void ExecuteCore()
    {
        var file = Pipeline.Catalogs.OverridesFile.Read(OverridesFile);
        var resolved = file.Overrides.Select(Located).ToList();
        var catalog = DirectoryCatalog.Read(CatalogDirectory);
        var result = CatalogEditor.Apply(catalog, resolved, file.RacketVersion);

        var rendered = DirectoryCatalog.Render(result.Catalog);
        AtomicDirectory.Replace(Destination, staging => DirectoryCatalog.Write(rendered, staging));
        EditReport.Write(ReportMarkdown, ReportJson, Destination, resolved, result.Edits);
        RemoteCatalogEntries.Read(RemoteEntriesFile).Without(result.Edits.Select(e => e.Package)).Write(EditedRemoteEntriesFile);
        AtomicFile.WriteAllTextIfChanged(HashFile, Sha256.Of(rendered.All));

        foreach (var edit in result.Edits)
        {
            Log.LogMessage(MessageImportance.Normal, "{0}: {1} -> {2} (checksum {3}{4})", edit.Package, edit.OldSource, edit.NewSource, edit.NewChecksum,
                edit.RewrittenVersions.Count == 0 ? "" : "; versions rewritten: " + string.Join(", ", edit.RewrittenVersions));
        }
        Log.LogMessage(MessageImportance.High, "EditCatalog: {0} package(s) changed by {1} override(s) -> {2}; report: {3}",
            result.Edits.Count, resolved.Count, Destination, ReportMarkdown);
    }

    private ResolvedOverride Located(ResolvedOverride resolved) =>
        Overrides.FirstOrDefault(i => i.ItemSpec == resolved.Override.Name) is { } item
            ? resolved with { Override = resolved.Override with { Location = ItemLocation.Of(item, "PkgBuildOverride") } }
            : resolved;
}
