namespace PkgBuild.Racket.Sources;

/// <summary>
/// Racket package names: ASCII letters, digits, '-' and '_', at least one. A name becomes a file name
/// (<c>pkg/&lt;name&gt;</c>, <c>logs/&lt;name&gt;/</c>) and a command argument, so anything else from a catalog
/// is refused, never escaped.
/// </summary>
public static class PackageName
{
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name))
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
