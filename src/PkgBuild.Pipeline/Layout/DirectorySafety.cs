using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Layout;

/// <summary>
/// Clean deletes the work and results directories recursively, so a mistyped property
/// (<c>PkgBuildWorkDir=/</c>, or the project's own folder) must be refused before anything runs.
/// </summary>
public static class DirectorySafety
{
    /// <summary>Throws PKB0002 when deleting <paramref name="directory"/> would remove more than PkgBuild's own state.</summary>
    public static void EnsureDeletable(string propertyName, string directory, string projectDirectory)
    {
        var dir = Normalize(directory);
        var project = Normalize(projectDirectory);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        string? reason = null;
        if (Same(dir, Path.GetPathRoot(dir) ?? ""))
        {
            reason = "it is the root of a file system";
        }
        else if (Same(dir, project) || IsUnder(project, dir))
        {
            reason = "it is, or contains, the project directory";
        }
        else if (home.Length > 0 && (Same(dir, Normalize(home)) || IsUnder(Normalize(home), dir)))
        {
            reason = "it is, or contains, the home directory";
        }

        if (reason != null)
        {
            throw new PkgBuildException(
                ErrorCodes.UnsafeDirectory,
                $"{propertyName} is '{directory}', which Clean would delete, but {reason}. " +
                $"Point {propertyName} at a directory of its own, such as $(MSBuildProjectDirectory)/obj/pkgbuild/.");
        }
    }

    private static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full);
        return full == root ? full : Path.TrimEndingDirectorySeparator(full);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, PathComparison);

    /// <summary>True when <paramref name="inner"/> lies strictly inside <paramref name="outer"/>.</summary>
    private static bool IsUnder(string inner, string outer)
    {
        var prefix = outer.EndsWith(Path.DirectorySeparatorChar) ? outer : outer + Path.DirectorySeparatorChar;
        return inner.StartsWith(prefix, PathComparison);
    }

    private static StringComparison PathComparison =>
        OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
}
