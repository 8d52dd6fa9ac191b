using System.Text;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;

namespace PkgBuild.Pipeline.Runs;

/// <summary>
/// The key of everything a package's result depends on: the run's settings (the Racket the guests use,
/// the commands and their limits), the package's archived catalog entry (source and checksum: the
/// archive makes both content addresses) and the entries of its whole dependency closure. A result is
/// reused only while its key is unchanged.
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

    private string Own(string package)
    {
        if (!_own.TryGetValue(package, out var own))
        {
            own = archive[package] is { } entry ? Sha256.Of(DatumWriter.WriteToString(entry.Data)) : "absent";
            _own[package] = own;
        }
        return own;
    }
}
