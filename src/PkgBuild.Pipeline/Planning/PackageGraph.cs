using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Planning;

/// <summary>
/// Who depends on whom among a catalog's packages. Dependencies outside the catalog, and packages the
/// guests' Racket provides (say <c>base</c>), are not nodes: nothing waits on them. Cycles are allowed, as in
/// real catalogs; <see cref="Closure"/> and <see cref="DependentsOf"/> follow them without looping.
/// </summary>
public sealed class PackageGraph
{
    private readonly Dictionary<string, string[]> _dependencies;
    private readonly Dictionary<string, List<string>> _dependents;

    public PackageGraph(IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        _dependencies = new Dictionary<string, string[]>(StringComparer.Ordinal);
        _dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in dependencies.Keys)
        {
            _dependents[name] = [];
        }
        foreach (var (name, deps) in dependencies)
        {
            var inGraph = deps.Where(d => d != name && dependencies.ContainsKey(d)).Distinct(StringComparer.Ordinal).ToArray();
            _dependencies[name] = inGraph;
            foreach (var dep in inGraph)
            {
                _dependents[dep].Add(name);
            }
        }
    }

    /// <param name="given">Packages the guests' Racket already has (pkg-build's installed list): not nodes, like those outside the catalog.</param>
    public static PackageGraph FromCatalog(PackageCatalog catalog, IReadOnlyCollection<string>? given = null) =>
        new(catalog.Entries.Where(e => PackageName.IsValid(e.Name) && given?.Contains(e.Name) != true)
            .ToDictionary(e => e.Name, e => CatalogDependencies.Of(e), StringComparer.Ordinal));

    public IEnumerable<string> Packages => _dependencies.Keys;

    public int Count => _dependencies.Count;

    public bool Contains(string package) => _dependencies.ContainsKey(package);

    public IReadOnlyList<string> DependenciesOf(string package) => _dependencies[package];

    public IReadOnlyList<string> DirectDependentsOf(string package) => _dependents[package];

    /// <summary>The packages and everything they depend on, transitively.</summary>
    public IReadOnlySet<string> Closure(IEnumerable<string> packages) => Walk(packages, p => _dependencies[p]);

    /// <summary>The packages and everything that depends on them, transitively.</summary>
    public IReadOnlySet<string> DependentsOf(IEnumerable<string> packages) => Walk(packages, p => _dependents[p]);

    private HashSet<string> Walk(IEnumerable<string> start, Func<string, IReadOnlyList<string>> next)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(start.Where(Contains));
        while (stack.Count > 0)
        {
            var package = stack.Pop();
            if (seen.Add(package))
            {
                foreach (var n in next(package))
                {
                    stack.Push(n);
                }
            }
        }
        return seen;
    }
}
