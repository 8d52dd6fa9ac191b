namespace PkgBuild.Pipeline.IO;

/// <summary>
/// Builds a whole directory (a catalog, a site) beside its final place and swaps it in only when
/// complete, so a failed or killed step leaves the previous good copy untouched.
/// </summary>
public static class AtomicDirectory
{
    /// <summary>
    /// Calls <paramref name="fill"/> with an empty staging directory next to <paramref name="target"/>;
    /// if it returns, the staging directory replaces <paramref name="target"/>; if it throws, the staging
    /// directory is removed and <paramref name="target"/> is as it was.
    /// </summary>
    public static void Replace(string target, Action<string> fill)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{target}' has no parent directory.", nameof(target));
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(full);
        var staging = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.new");
        var retired = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.old");
        Directory.CreateDirectory(staging);
        try
        {
            fill(staging);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }

        // Two renames: the target is missing only between them, and never half-written.
        if (Directory.Exists(full))
        {
            Directory.Move(full, retired);
        }
        Directory.Move(staging, full);
        TryDelete(retired);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden directory is never read; Clean removes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
