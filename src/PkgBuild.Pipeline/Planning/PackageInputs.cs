using System.Text;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Pipeline.Planning;

/// <summary>
/// The key of everything a package's result depends on: the run's settings (the Racket the guests use,
/// the commands), and for the package and each package of its dependency closure the archived source,
/// checksum (the archive makes both content addresses) and dependencies. Nothing else of an entry counts:
/// the public catalog rewrites fields such as <c>last-checked</c> on every poll, and that must not rebuild
/// the world. A result is reused only while its key is unchanged.
/// </summary>
public sealed class PackageInputs(PackageGraph graph, PackageCatalog archive, string settings)
{
    private readonly Dictionary<string, string> _own = new(StringComparer.Ordinal);

    public string KeyOf(string package)
    {
        var text = new StringBuilder(settings).Append('\n');
        foreach (var member in graph.Closure([package]).Order(StringComparer.Ordinal))
        {
            text.Append(member).Append(member == package ? " = " : " <- ").Append(Own(member)).Append('\n');
        }
        return Sha256.Of(text.ToString());
    }

    /// <summary>
    /// An overridden package's original is archived under <c>baseline/</c>: the same zip there is the same
    /// input as it was on the change's side before the override (so its results are kept when an override is
    /// added to a built project). Other sources are as they were, so no key of the change's side changes.
    /// </summary>
    private static string? SideFree(string? source) =>
        source != null && source.StartsWith(BaselinePrefix, StringComparison.Ordinal) ? source[BaselinePrefix.Length..] : source;

    private const string BaselinePrefix = $"{Execution.RunSide.BaselineName}/";

    private string Own(string package)
    {
        if (!_own.TryGetValue(package, out var own))
        {
            own = archive[package] is { } entry
                ? Sha256.Of($"{SideFree(entry.Source)}\n{entry.Checksum}\n{string.Join(" ", CatalogDependencies.Of(entry))}")
                : "absent";
            _own[package] = own;
        }
        return own;
    }
}
