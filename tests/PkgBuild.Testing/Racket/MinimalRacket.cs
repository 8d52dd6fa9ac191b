namespace PkgBuild.Testing.Racket;

/// <summary>
/// The real minimal Racket 8.7 CS that eng/minimal-racket.sh builds from Debian's racket source package
/// (base and racket-lib only), and that source's distribution packages: built once per machine and cached,
/// so only the first caller on a fresh machine waits for the build.
/// </summary>
public static class MinimalRacket
{
    private static readonly Lazy<string> Cache = new(Build);

    /// <summary>The installer: <c>sh installer.sh --in-place --dest DIR</c>.</summary>
    public static string Installer => Path.Combine(Cache.Value, "installer.sh");

    /// <summary>The pristine source of every distribution package, one directory each (typed-racket-lib, compiler-lib...).</summary>
    public static string DistributionPackages => Path.Combine(Cache.Value, "pkgs");

    /// <summary>Writes a directory catalog of <paramref name="packages"/> and all they depend on, with directory sources from <see cref="DistributionPackages"/>.</summary>
    public static void WriteCatalog(string catalogDirectory, params string[] packages) =>
        RacketRunner.Run("racket", [Path.Combine(RepositoryPaths.Root, "eng", "distribution-catalog.rkt"), DistributionPackages, catalogDirectory, .. packages]);

    private static string Build()
    {
        var result = ProcessRunner.Run(Path.Combine(RepositoryPaths.Root, "eng", "minimal-racket.sh"), [], timeout: TimeSpan.FromHours(1));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"eng/minimal-racket.sh failed (exit {result.ExitCode}): {result.Output}");
        }
        // Its stderr (progress) is interleaved with stdout: the cache directory is the line that names one.
        return result.Output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('/') && File.Exists(Path.Combine(l, "installer.sh")))
            ?? throw new InvalidOperationException($"eng/minimal-racket.sh named no cache directory: {result.Output}");
    }
}
