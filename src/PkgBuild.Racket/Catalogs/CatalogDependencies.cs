using PkgBuild.Racket.Data;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// The package names an entry's <c>dependencies</c> list: each element is a name, or a list whose first
/// element is the name (followed by a version string and <c>#:version</c>/<c>#:platform</c> options).
/// A platform-specific dependency counts on every platform (the build cannot know the guest's), and
/// <c>racket</c> means <c>base</c>, as pkg-build maps it. Elements that are not package names (sources
/// such as a git URL, or malformed data) are left out: the catalog is untrusted.
/// </summary>
public static class CatalogDependencies
{
    public static IReadOnlyList<string> Of(CatalogEntry entry)
    {
        if (entry.Data["dependencies"] is not RacketList { IsProper: true } list)
        {
            return [];
        }
        var names = new List<string>();
        foreach (var item in list.Items)
        {
            var name = item switch
            {
                RacketString s => s.Value,
                RacketList { IsEmpty: false } l when l.Items[0] is RacketString s => s.Value,
                _ => null,
            };
            if (name == "racket")
            {
                name = "base";
            }
            if (PackageName.IsValid(name) && name != entry.Name && !names.Contains(name!, StringComparer.Ordinal))
            {
                names.Add(name!);
            }
        }
        return names;
    }
}
