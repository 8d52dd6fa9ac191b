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
        DeleteFeedsOfEndedRuns();
        var root = Path.Combine(Path.GetTempPath(), $"pkgbuild-feed-{Guid.NewGuid():N}");
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var feed = new SdkFeed(root, version);
        Directory.CreateDirectory(feed.FeedDir);
        Directory.CreateDirectory(feed.PackagesDir);
        File.WriteAllText(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
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

    private const string OwnerFile = "owner.pid";

    /// <summary>
    /// `dotnet test` may end the test host before ProcessExit handlers run, so each run also removes the
    /// feeds of runs whose process is gone.
    /// </summary>
    private static void DeleteFeedsOfEndedRuns()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), "pkgbuild-feed-*"))
        {
            var owner = Path.Combine(dir, OwnerFile);
            var alive = File.Exists(owner) && int.TryParse(File.ReadAllText(owner), out var pid) && Directory.Exists($"/proc/{pid}");
            if (!alive && Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-1))
            {
                TryDelete(dir);
            }
        }
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
