namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// Paths inside a session directory that a guest writes and this machine then reads or writes (copy in,
/// copy out): a path that climbs out is refused, and so is one through a symbolic link, because a link
/// the guest made (<c>work/out → /etc/shadow</c>) would have the build read or write its target with the
/// build's rights. Copy once the guest's commands are done: a process still running could swap a
/// directory for a link during the copy.
/// </summary>
public static class SessionDirectory
{
    public static string Inside(string root, string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' is not inside the session.", nameof(relativePath));
        }
        var path = root;
        foreach (var part in full[(root.Length + 1)..].Split(Path.DirectorySeparatorChar))
        {
            path = Path.Combine(path, part);
            if (new FileInfo(path).LinkTarget != null)
            {
                throw new ArgumentException($"'{relativePath}' passes through a symbolic link the guest made ({path}); refused.", nameof(relativePath));
            }
        }
        return full;
    }
}
