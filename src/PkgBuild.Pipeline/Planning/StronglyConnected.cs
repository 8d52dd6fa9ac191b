using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Planning;

/// <summary>
/// Tarjan's strongly connected components over the dependency graph, without recursion (a catalog's
/// chains can be long): packages that depend on each other share a component.
/// </summary>
public static class StronglyConnected
{
    /// <summary>
    /// Each package's component number; <paramref name="order"/> lists the packages dependencies first
    /// (members of one component next to each other).
    /// </summary>
    public static Dictionary<string, int> Components(PackageGraph graph, out IReadOnlyList<string> order)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var component = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var sorted = new List<string>(graph.Count);
        var next = 0;
        var components = 0;

        foreach (var root in graph.Packages.OrderBy(p => p, StringComparer.Ordinal))
        {
            if (index.ContainsKey(root))
            {
                continue;
            }
            // Each frame: a package and how many of its dependencies have been looked at.
            var frames = new Stack<(string Package, int Next)>();
            frames.Push((root, 0));
            index[root] = low[root] = next++;
            stack.Push(root);
            onStack.Add(root);
            while (frames.Count > 0)
            {
                var (package, i) = frames.Pop();
                var deps = graph.DependenciesOf(package);
                if (i < deps.Count)
                {
                    frames.Push((package, i + 1));
                    var dep = deps[i];
                    if (!index.ContainsKey(dep))
                    {
                        index[dep] = low[dep] = next++;
                        stack.Push(dep);
                        onStack.Add(dep);
                        frames.Push((dep, 0));
                    }
                    else if (onStack.Contains(dep))
                    {
                        low[package] = Math.Min(low[package], index[dep]);
                    }
                    continue;
                }
                if (low[package] == index[package])
                {
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component[member] = components;
                        sorted.Add(member);
                    }
                    while (member != package);
                    components++;
                }
                if (frames.Count > 0)
                {
                    var parent = frames.Peek().Package;
                    low[parent] = Math.Min(low[parent], low[package]);
                }
            }
        }
        order = sorted;
        return component;
    }
}
