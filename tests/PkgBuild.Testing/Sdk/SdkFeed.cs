namespace PkgBuild.Testing.Sdk;

/// <summary>
/// The SDK packed from this checkout into a throwaway folder feed, under a version no earlier run used,
/// with a throwaway NuGet cache: the global packages folder keeps the first copy of a version, so a
/// fixed version would test yesterday's package. Packed once per test process.
/// </summary>
public sealed class SdkFeed
{
    private static readonly Lazy<SdkFeed> SharedLazy = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    private SdkFeed(string root, string version)
    {
        Root = root;
        Version = version;
    }

    public static SdkFeed Shared => SharedLazy.Value;

    public string Root { get; }

    public string Version { get; }

    public string FeedDir => Path.Combine(Root, "feed");

    public string PackagesDir => Path.Combine(Root, "packages");

    private static SdkFeed Pack()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pkgbuild-feed-{Guid.NewGuid():N}");
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var feed = new SdkFeed(root, version);
        Directory.CreateDirectory(feed.FeedDir);
        Directory.CreateDirectory(feed.PackagesDir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);

        var result = Dotnet.Run(
            ["pack", Path.Combine(RepositoryPaths.Sdk, "PkgBuild.Sdk.csproj"), "-c", "Release",
             $"-p:PackageVersion={version}", $"-p:PackageOutputPath={feed.FeedDir}/"],
            RepositoryPaths.Root,
            feed.PackagesDir,
            TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0 || !File.Exists(Path.Combine(feed.FeedDir, $"PkgBuild.Sdk.{version}.nupkg")))
        {
            throw new InvalidOperationException($"dotnet pack of the SDK failed ({result.ExitCode}):\n{result.Output}");
        }
        return feed;
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
