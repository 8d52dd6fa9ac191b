using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Planning;

/// <summary>Which packages a run builds: <c>PkgBuildScope</c>, <c>PkgBuildPackage</c> and <c>PkgBuildSkip</c>.</summary>
public enum RunScope
{
    /// <summary>Every package of the edited catalog (or the named ones and what they depend on).</summary>
    All,

    /// <summary>The overridden packages and everything that depends on them, transitively.</summary>
    Dependents,
}

public static class PackageSelection
{
    /// <summary>
    /// What the overrides reach among <paramref name="graph"/>'s packages: the overridden ones and everything
    /// depending on them, found in the whole edited catalog, so that an override the guests' Racket already
    /// holds (given, not a node) still reaches its dependents.
    /// </summary>
    public static IReadOnlyCollection<string> Reached(PackageCatalog edited, PackageGraph graph, IReadOnlyCollection<string> overridden) =>
        PackageGraph.FromCatalog(edited).DependentsOf(overridden).Where(graph.Contains).ToList();

    /// <summary>
    /// The packages to build. Named packages come with their dependencies, as pkg-build's
    /// <c>#:only-packages</c> does, so each is built against built dependencies; skipped ones are left out
    /// (their dependents still install them from the archive). An unknown name is an error with close names.
    /// </summary>
    public static IReadOnlySet<string> Select(PackageGraph graph, RunScope scope, IReadOnlyCollection<string> named,
        IReadOnlyCollection<string> overridden, IReadOnlyCollection<string> skip, Func<string, SourceLocation>? locate = null)
    {
        foreach (var name in named.Concat(skip))
        {
            if (!graph.Contains(name))
            {
                var close = NameSuggestions.Closest(name, graph.Packages);
                throw new PkgBuildException(ErrorCodes.UnknownPackage,
                    $"'{name}' is not a package of the edited catalog{(close.Count > 0 ? $"; did you mean {string.Join(", ", close.Select(c => $"'{c}'"))}?" : ".")}",
                    locate?.Invoke(name) ?? default);
            }
        }
        var chosen = scope switch
        {
            RunScope.Dependents => graph.DependentsOf(overridden),
            _ => graph.Packages,
        };
        if (named.Count > 0)
        {
            var wanted = graph.Closure(named);
            chosen = chosen.Where(wanted.Contains);
        }
        var skipped = new HashSet<string>(skip, StringComparer.Ordinal);
        return chosen.Where(p => !skipped.Contains(p)).ToHashSet(StringComparer.Ordinal);
    }
}
