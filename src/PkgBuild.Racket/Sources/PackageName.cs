namespace PkgBuild.Racket.Sources;

/// <summary>
/// Racket package names: ASCII letters, digits, '-' and '_', at least one. A name becomes a file name
/// (<c>pkg/&lt;name&gt;</c>, <c>logs/&lt;name&gt;/</c>) and a command argument, so anything else from a catalog
/// is refused, never escaped.
/// </summary>
public static class PackageName
{
    /// <summary>Longer names are refused: a name becomes a file name, with suffixes (.zip, .partial), under the 255-byte limit.</summary>
    public const int MaxLength = 200;

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
