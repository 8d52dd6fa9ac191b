using System.Text.Json;
using System.Text.Json.Nodes;
using PkgBuild.Testing.MSBuild;

namespace PkgBuild.Testing.Sdk;

/// <summary>
/// A temporary directory holding a project that uses <c>&lt;Project Sdk="PkgBuild.Sdk"&gt;</c>, with a
/// global.json and NuGet.config that resolve the SDK from <see cref="SdkFeed"/> only: a copy of a real
/// sample, or a project a test writes.
/// </summary>
public sealed class SdkWorkspace : IDisposable
{
    private readonly TempDirectory _dir;
    private readonly SdkFeed _feed;

    private SdkWorkspace(SdkFeed feed)
    {
        _feed = feed;
        _dir = new TempDirectory("pkgbuild-ws");
        WriteGlobalJson();
        WriteNuGetConfig();
    }

    public string Root => _dir.Path;

    /// <summary>A copy of samples/<paramref name="sample"/>; its project file is unchanged.</summary>
    public static SdkWorkspace FromSample(string sample, SdkFeed? feed = null)
    {
        var workspace = new SdkWorkspace(feed ?? SdkFeed.Shared);
        CopyDirectory(Path.Combine(RepositoryPaths.Samples, sample), workspace.Root);
        return workspace;
    }

    /// <summary>A workspace with one project file written by the test.</summary>
    public static SdkWorkspace FromProjectText(string projectXml, string fileName = "pkgbuild.proj", SdkFeed? feed = null)
    {
        var workspace = new SdkWorkspace(feed ?? SdkFeed.Shared);
        File.WriteAllText(Path.Combine(workspace.Root, fileName), projectXml);
        return workspace;
    }

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Runs <c>dotnet build -bl</c> on <paramref name="project"/> and opens the binlog.</summary>
    public BuildResult Build(string project = "pkgbuild.proj", params string[] extraArguments)
    {
        var binlog = PathOf($"build-{Guid.NewGuid():N}.binlog");
        var result = Dotnet.Run(
            ["build", project, $"-bl:{binlog}", "-tl:off", "-v:n", .. extraArguments],
            Root,
            _feed.PackagesDir,
            TimeSpan.FromMinutes(10));
        return new BuildResult(result.ExitCode, result.Output, binlog);
    }

    /// <summary>Starts <c>dotnet build</c> on <paramref name="project"/> and returns at once, for a test that kills it.</summary>
    public System.Diagnostics.Process StartBuild(string project, params string[] extraArguments) =>
        Dotnet.Start(["build", project, "-tl:off", "-v:n", .. extraArguments], Root, _feed.PackagesDir);

    /// <summary>
    /// Evaluates <paramref name="project"/> without building (<c>dotnet msbuild -getItem/-getProperty</c>)
    /// and returns MSBuild's JSON answer.
    /// </summary>
    public JsonObject Evaluate(string project, IEnumerable<string> items, IEnumerable<string> properties)
    {
        var result = Dotnet.Run(
            ["msbuild", project, .. items.Select(i => $"-getItem:{i}"), .. properties.Select(p => $"-getProperty:{p}")],
            Root,
            _feed.PackagesDir,
            TimeSpan.FromMinutes(5));
        var start = result.Output.IndexOf('{');
        if (result.ExitCode != 0 || start < 0)
        {
            throw new InvalidOperationException($"Evaluating {project} failed ({result.ExitCode}):\n{result.Output}");
        }
        return JsonNode.Parse(result.Output[start..])!.AsObject();
    }

    public void Dispose() => _dir.Dispose();

    private void WriteGlobalJson()
    {
        // Same .NET SDK pin as the repository, but the SDK package version this feed holds.
        var repo = JsonNode.Parse(File.ReadAllText(RepositoryPaths.GlobalJson))!.AsObject();
        repo["msbuild-sdks"] = new JsonObject { ["PkgBuild.Sdk"] = _feed.Version };
        File.WriteAllText(PathOf("global.json"), repo.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private void WriteNuGetConfig() =>
        File.WriteAllText(PathOf("NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="pkgbuild-test" value="{_feed.FeedDir}" />
              </packageSources>
            </configuration>
            """);

    /// <summary>Copies a directory (a sample, test data) into the workspace, leaving out build outputs (obj/, results/).</summary>
    public void CopyIn(string from) => CopyDirectory(from, Root);

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, dir);
            if (IsBuildOutput(relative))
            {
                continue;
            }
            Directory.CreateDirectory(Path.Combine(to, relative));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!IsBuildOutput(relative))
            {
                File.Copy(file, Path.Combine(to, relative), overwrite: true);
            }
        }
    }

    private static bool IsBuildOutput(string relative)
    {
        var first = relative.Split(Path.DirectorySeparatorChar)[0];
        return first is "obj" or "bin" or "results";
    }
}
