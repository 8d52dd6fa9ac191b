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

    /// <summary>The changed packages, with OldSource, NewSource and NewChecksum metadata.</summary>
    [Output]
    public ITaskItem[] EditedPackages { get; set; } = [];

    protected override void ExecuteCore()
    {
        var specs = Pipeline.Catalogs.OverridesFile.Read(OverridesFile);
        var resolved = specs.Select(s => new ResolvedOverride(s.Parse(_ => { }), s.ResolvedCommit!)).ToList();
        var catalog = DirectoryCatalog.Read(CatalogDirectory);
        var result = CatalogEditor.Apply(catalog, resolved);

        var rendered = DirectoryCatalog.Render(result.Catalog);
        AtomicDirectory.Replace(Destination, staging => DirectoryCatalog.Write(rendered, staging));
        EditReport.Write(ReportMarkdown, ReportJson, Destination, specs, result.Edits);
        AtomicFile.WriteAllTextIfChanged(HashFile, Sha256.Of(rendered.All));

        foreach (var edit in result.Edits)
        {
            Log.LogMessage(MessageImportance.Normal, "{0}: {1} -> {2} (checksum {3}{4})", edit.Package, edit.OldSource, edit.NewSource, edit.NewChecksum,
                edit.RewrittenVersions.Count == 0 ? "" : "; versions rewritten: " + string.Join(", ", edit.RewrittenVersions));
        }
        EditedPackages = result.Edits.Select(edit =>
        {
            var item = new Microsoft.Build.Utilities.TaskItem(edit.Package);
            item.SetMetadata("Override", edit.Override);
            item.SetMetadata("OldSource", edit.OldSource ?? "");
            item.SetMetadata("NewSource", edit.NewSource);
            item.SetMetadata("NewChecksum", edit.NewChecksum);
            return (ITaskItem)item;
        }).ToArray();
        Log.LogMessage(MessageImportance.High, "EditCatalog: {0} package(s) changed by {1} override(s) -> {2}; report: {3}",
            result.Edits.Count, specs.Count, Destination, ReportMarkdown);
    }
}
