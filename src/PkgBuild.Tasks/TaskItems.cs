using Microsoft.Build.Framework;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>What the tasks read off MSBuild items, read one way everywhere.</summary>
internal static class TaskItems
{
    /// <summary>An item's own metadata (not MSBuild's well-known ones), names compared as MSBuild compares them.</summary>
    public static Dictionary<string, string> CustomMetadata(ITaskItem item)
    {
        var all = item.CloneCustomMetadata();
        return all.Keys.Cast<string>().ToDictionary(k => k, k => all[k] as string ?? "", StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A <c>PkgBuildOverride</c> item, checked; see <see cref="CatalogOverride.Parse"/>.</summary>
    public static CatalogOverride Override(ITaskItem item, SourceLocation location, Action<PkgBuildException> warn) =>
        CatalogOverride.Parse(item.ItemSpec, CustomMetadata(item), location, warn);

    /// <summary>The items' names, trimmed, without empties or repeats.</summary>
    public static IReadOnlyCollection<string> Names(ITaskItem[] items) => items.Select(i => i.ItemSpec.Trim()).Where(n => n.Length > 0).Distinct().ToList();

    /// <summary>
    /// The value of each <c>_PkgBuildRunSetting</c> item (the property's name, its value as <c>Value</c>), as
    /// <see cref="Pipeline.Settings.RunOptions.Parse"/> asks for them: empty for one not given.
    /// </summary>
    public static Func<string, string> RunSettingValues(ITaskItem[] settings)
    {
        var values = settings.ToDictionary(s => s.ItemSpec, s => s.GetMetadata("Value"), StringComparer.OrdinalIgnoreCase);
        return name => values.GetValueOrDefault(name) ?? "";
    }
}
