namespace PkgBuild.Pipeline.Site;

/// <summary>
/// Maps a request path to a file under the site root, or refuses it: percent-decoding first (so
/// <c>%2e%2e</c> is <c>..</c>), then no empty, <c>.</c> or <c>..</c> segment, no backslash, NUL or control
/// character, and no component that is a symbolic link leading out of the root.
/// </summary>
public static class SitePath
{
    /// <summary>The file to serve, or null when the path is refused or names no regular file.</summary>
    public static string? Resolve(string rootDirectory, string requestPath)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        var query = requestPath.IndexOfAny(['?', '#']);
        var raw = query < 0 ? requestPath : requestPath[..query];
        if (!raw.StartsWith('/'))
        {
            return null; // absolute-form and asterisk-form targets are not for a static site
        }
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(raw);
        }
        catch (UriFormatException)
        {
            return null;
        }
        if (decoded.Any(c => c == '\\' || char.IsControl(c)))
        {
            return null;
        }
        var segments = decoded.Split('/')[1..];
        if (segments.Length == 0 || segments.Any(s => s is "" or "." or ".."))
        {
            return null; // also refuses "/" and a trailing "/": no directory listings
        }

        var current = root;
        foreach (var segment in segments)
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget != null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target == null || !IsUnder(root, Path.GetFullPath(target.FullName)))
                {
                    return null;
                }
            }
        }
        return File.Exists(current) && IsUnder(root, Path.GetFullPath(current)) ? current : null;
    }

    private static bool IsUnder(string root, string path) =>
        path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
