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

    /// <summary>
    /// <paramref name="path"/> when it is a regular file; a FIFO or device the guest made there would block or
    /// feed the copy forever, so anything else is refused.
    /// </summary>
    public static string RegularFile(string path)
    {
        var check = Processes.ChildProcess.RunAsync("test", ["-f", path], new Processes.ChildProcessOptions { Timeout = TimeSpan.FromSeconds(10) })
            .GetAwaiter().GetResult();
        return check.Succeeded ? path : throw new ArgumentException($"'{path}' is not a regular file; refused.", nameof(path));
    }

    /// <summary>
    /// Deletes a tree the guest wrote, which .NET's recursive delete can fail on (names that are not UTF-8,
    /// very deep trees): <c>rm -rf --one-file-system</c>, which never follows links out of it.
    /// </summary>
    public static async Task DeleteAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        var result = await Processes.ChildProcess.RunAsync("rm", ["-rf", "--one-file-system", "--", directory],
            new Processes.ChildProcessOptions { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new IOException($"Cannot delete {directory}: {result.Output.Trim()}");
        }
    }
}
