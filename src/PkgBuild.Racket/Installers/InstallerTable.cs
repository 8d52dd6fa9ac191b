using System.Text.RegularExpressions;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Installers;

/// <summary>
/// A snapshot or release site's <c>installers/table.rktd</c>: platform descriptions (opaque keys such as
/// <c>"{1} Racket | {3} Linux | {1} 64-bit x86_64; built on Debian 10"</c>) to installer file names. The
/// file names come from a server, so each must be a plain file name before it becomes a path.
/// </summary>
public sealed partial class InstallerTable
{
    private readonly IReadOnlyDictionary<string, string> _files;

    private InstallerTable(IReadOnlyDictionary<string, string> files) => _files = files;

    public IEnumerable<string> Platforms => _files.Keys;

    public static InstallerTable Parse(Datum datum, string origin)
    {
        if (datum is not RacketHash hash)
        {
            throw new PkgBuildException(ErrorCodes.DataUnexpectedShape, $"{origin} is not a hash of platform names to installer files.", datum.Location);
        }
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in hash.Entries)
        {
            if (key is not RacketString { Value: var platform } || value is not RacketString { Value: var file })
            {
                throw new PkgBuildException(ErrorCodes.DataUnexpectedShape, $"{origin}: an entry is not a (\"platform\" . \"file\") pair of strings.", key.Location);
            }
            if (!FileName().IsMatch(file))
            {
                throw new PkgBuildException(ErrorCodes.InstallerInvalid, $"{origin}: the installer file '{file}' for '{platform}' is not a plain file name.", value.Location);
            }
            files[platform] = file;
        }
        return new InstallerTable(files);
    }

    /// <summary>The installer file for <paramref name="platform"/>; a name the table lacks is PKB0403 with the names it has, closest first.</summary>
    public string FileFor(string platform, string origin, SourceLocation at = default)
    {
        if (_files.TryGetValue(platform, out var file))
        {
            return file;
        }
        var close = NameSuggestions.Closest(platform, _files.Keys, count: 3);
        var all = close.Concat(_files.Keys.Order(StringComparer.Ordinal).Except(close)).Select(p => $"\"{p}\"");
        throw new PkgBuildException(ErrorCodes.InstallerPlatformNotFound,
            $"{origin} has no installer for the platform \"{platform}\". Set PkgBuildInstallerPlatformName to one of: {string.Join(", ", all)}.", at);
    }

    [GeneratedRegex(@"^[A-Za-z0-9+_][A-Za-z0-9._+-]*$")]
    private static partial Regex FileName();
}
