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

    /// <summary>
    /// Makes <paramref name="directory"/> (holding <c>Sdk/Sdk.props</c> and <c>Sdk/Sdk.targets</c>) an MSBuild
    /// SDK package named <paramref name="id"/>, version 1.0.0, in a folder feed of this workspace, resolved as
    /// PkgBuild.Sdk is: through global.json's msbuild-sdks and NuGet.config.
    /// </summary>
    public void AddSdkPackage(string id, string directory)
    {
        var feed = PathOf("sdk-feed");
        Directory.CreateDirectory(feed);
        using (var zip = System.IO.Compression.ZipFile.Open(Path.Combine(feed, $"{id}.1.0.0.nupkg"), System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry($"{id}.nuspec").Open()))
            {
                writer.Write($"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                      <metadata>
                        <id>{id}</id>
                        <version>1.0.0</version>
                        <authors>PkgBuild.Sdk tests</authors>
                        <description>An MSBuild SDK written by a test.</description>
                        <packageTypes><packageType name="MSBuildSdk" /></packageTypes>
                      </metadata>
                    </package>
                    """);
            }
            foreach (var file in new[] { "Sdk.props", "Sdk.targets" })
            {
                System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(zip, Path.Combine(directory, "Sdk", file), $"Sdk/{file}");
            }
        }
        var global = JsonNode.Parse(File.ReadAllText(PathOf("global.json")))!.AsObject();
        global["msbuild-sdks"]![id] = "1.0.0";
        File.WriteAllText(PathOf("global.json"), global.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var config = File.ReadAllText(PathOf("NuGet.config"));
        File.WriteAllText(PathOf("NuGet.config"), config.Replace("<clear />", $"<clear />\n    <add key=\"workspace-sdks\" value=\"{feed}\" />"));
    }

    /// <summary>Environment variables every <see cref="Build"/>, <see cref="BuildWithin"/> and <see cref="StartBuild"/> sets for the build (<c>SLURM_CONF</c>: which cluster a Slurm guest uses).</summary>
    public Dictionary<string, string?> BuildEnvironment { get; } = [];

    /// <summary>Runs <c>dotnet build -bl</c> on <paramref name="project"/> and opens the binlog.</summary>
    public BuildResult Build(string project = "pkgbuild.proj", params string[] extraArguments) =>
        BuildWithin(TimeSpan.FromMinutes(10), project, extraArguments);

    /// <summary>As <see cref="Build"/>, for a build that compiles real distribution packages (Typed Racket) and may take longer.</summary>
    public BuildResult BuildWithin(TimeSpan limit, string project, params string[] extraArguments)
    {
        var binlog = PathOf($"build-{Guid.NewGuid():N}.binlog");
        var result = Dotnet.Run(
            ["build", project, $"-bl:{binlog}", "-tl:off", "-v:n", .. extraArguments],
            Root,
            _feed.PackagesDir,
            limit,
            BuildEnvironment);
        return new BuildResult(result.ExitCode, result.Output, binlog);
    }

    /// <summary>Runs <c>dotnet build</c> in a pseudo-terminal (<see cref="PtyBuild"/>), as a person at a terminal does, with no logger arguments of its own.</summary>
    public PtyOutput BuildInTerminal(TimeSpan limit, string project, params string[] extraArguments) =>
        PtyBuild.Run(["build", project, .. extraArguments], Root, _feed.PackagesDir, limit);

    /// <summary>Starts <c>dotnet build</c> on <paramref name="project"/> and returns at once, for a test that kills it.</summary>
    public System.Diagnostics.Process StartBuild(string project, params string[] extraArguments) =>
        Dotnet.Start(["build", project, "-tl:off", "-v:n", .. extraArguments], Root, _feed.PackagesDir, BuildEnvironment);

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
