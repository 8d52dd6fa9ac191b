using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// One side of a run: the packages with the change (<see cref="Modified"/>) or without it
/// (<see cref="Baseline"/>). Each side has its archive catalog (sources relative to the site root, so the
/// entry of a package the change does not touch is the same on both sides, and so is its key), its own
/// built catalog in the site, its journal and its logs.
/// </summary>
public sealed record RunSide
{
    public const string ModifiedName = "modified";
    public const string BaselineName = "baseline";

    public required string Name { get; init; }

    /// <summary>
    /// <c>PKGBUILD_RUN</c> in the guest: which run this is (<c>modified</c>, <c>baseline</c>,
    /// <c>modified-confirm-2</c>...), so a test that misbehaves only sometimes can say in its log which run it was.
    /// </summary>
    public string RunLabel => _runLabel ?? Name;

    public string? RunLabelOverride { init => _runLabel = value; }

    private readonly string? _runLabel;

    /// <summary>The archived packages, sources relative to the site root (<c>pkgs/x.zip</c>, <c>baseline/pkgs/x.zip</c>).</summary>
    public required PackageCatalog Archive { get; init; }

    /// <summary>The side's built catalog, relative to the site root.</summary>
    public required string BuiltDirectory { get; init; }

    /// <summary>Where the side's journal lives (absolute).</summary>
    public required string JournalDirectory { get; init; }

    /// <summary>Where the side's logs go, relative to the results directory (as the results name them).</summary>
    public required string LogsDirectory { get; init; }

    /// <summary>The side with the change: <c>site/catalog</c>, <c>site/built</c>, <c>runs/</c>, <c>logs/</c>.</summary>
    public static RunSide Modified(string siteDirectory, string stateDirectory) => new()
    {
        Name = ModifiedName,
        Archive = SiteRelative(siteDirectory, "catalog", "pkgs"),
        BuiltDirectory = BuiltCatalog.Directory,
        JournalDirectory = stateDirectory,
        LogsDirectory = ResultsLayout.LogsName,
    };

    /// <summary>
    /// The side without the change: the modified archive with each overridden package's original archived
    /// from <c>site/baseline/</c>: <c>site/baseline/built</c>, <c>runs/baseline/</c>, <c>baseline/logs/</c>.
    /// </summary>
    /// <param name="overridden">The packages the edit changed: without their original archived, they are absent here (an archive failure), never the changed one.</param>
    public static RunSide Baseline(string siteDirectory, string stateDirectory, PackageCatalog modifiedArchive, IReadOnlyCollection<string> overridden)
    {
        var originals = SiteRelative(siteDirectory, Path.Combine(BaselineName, "catalog"), $"{BaselineName}/pkgs");
        var changed = overridden.ToHashSet(StringComparer.Ordinal);
        var archive = new PackageCatalog(modifiedArchive.Entries.Where(e => !changed.Contains(e.Name)));
        foreach (var original in originals.Entries)
        {
            archive = archive.With(original);
        }
        return new RunSide
        {
            Name = BaselineName,
            Archive = archive,
            BuiltDirectory = $"{BaselineName}/{BuiltCatalog.Directory}",
            JournalDirectory = Path.Combine(stateDirectory, BaselineName),
            LogsDirectory = $"{BaselineName}/{ResultsLayout.LogsName}",
        };
    }

    /// <summary>An archive catalog of the site with its <c>../pkgs/x.zip</c> sources made relative to the site root.</summary>
    private static PackageCatalog SiteRelative(string siteDirectory, string catalog, string pkgs)
    {
        var directory = Path.Combine(siteDirectory, catalog);
        var read = Directory.Exists(directory) ? DirectoryCatalog.Read(directory) : PackageCatalog.Empty;
        return new PackageCatalog(read.Entries.Select(e => e.WithSource($"{pkgs}/{e.Name}.zip")));
    }
}
