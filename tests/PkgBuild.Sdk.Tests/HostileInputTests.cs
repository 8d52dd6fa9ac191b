using PkgBuild.Testing;
using PkgBuild.Testing.MSBuild;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// A hostile catalog through `dotnet build -bl`, every step real (TestData/hostile): names and sources with
/// shell syntax, dependency lists with paths and commands, an author with a script, a huge string; and
/// packages that flood their output, start processes without end, eat memory, or try the network. Each is
/// refused, quoted or stopped at its limit and classified, nothing runs or is written where it should not
/// (canary files), and the run goes on to the ordinary package after them; the same with a package's raco
/// commands in one Racket process (the default) and in one process each.
/// </summary>
public sealed class HostileInputTests
{
    private const string Canary = "/tmp/pkgbuild-hostile-canary";

    private static SdkWorkspace Workspace(string guest)
    {
        var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup>
                <PkgBuildRacket>Preinstalled</PkgBuildRacket>
                <PkgBuildTestTimeout>20</PkgBuildTestTimeout>
                <PkgBuildInstallTimeout>20</PkgBuildInstallTimeout>
                <PkgBuildSilenceTimeout>15</PkgBuildSilenceTimeout>
                <PkgBuildMaxLogSize>4096</PkgBuildMaxLogSize>
              </PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="catalog" />
                {guest}
              </ItemGroup>
            </Project>
            """);
        workspace.CopyIn(Path.Combine(RepositoryPaths.TestData("PkgBuild.Sdk.Tests"), "hostile"));
        return workspace;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_hostile_catalog_and_hostile_packages_are_each_refused_or_stopped_and_the_run_goes_on(bool oneProcessPerPackage)
    {
        File.Delete(Canary);
        using var workspace = Workspace("""<PkgBuildGuest Include="local" Kind="Local" MemoryMb="768" Processes="64" />""");

        var build = workspace.Build("pkgbuild.proj", $"-p:PkgBuildOneProcessPerPackage={oneProcessPerPackage}");

        Assert.True(build.Succeeded, build.ToString());
        var results = build.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec);
        string Result(string package) => results[package].GetMetadata("Result");
        string Log(string package, string step) => File.ReadAllText(workspace.PathOf("results", "logs", package, step + ".txt"));

        // The name with shell syntax never became a package, a file or an argument.
        var skipped = Assert.Single(build.Warnings, w => w.Code == "PKB0205");
        Assert.Contains("$(touch pkgbuild-canary)", skipped.Message);
        Assert.DoesNotContain("$(touch pkgbuild-canary)", results.Keys);
        // A source with a command in it: the archive could not fetch it, nothing ran; an install failure with the archive's log.
        Assert.Equal("install-failure", Result("hx-evil-src"));
        Assert.Equal("archive", results["hx-evil-src"].GetMetadata("Step"));
        // Dependencies that are commands and paths are not packages: ignored; the package's own info.rkt decides.
        Assert.Equal("success", Result("hx-evil-deps"));
        Assert.StartsWith("$ raco pkg install -u --auto --batch --catalog file://", Log("hx-evil-deps", "install"));
        // The same results whether a package's raco commands share one Racket process or not (each log says which).
        Assert.Equal(oneProcessPerPackage, Log("hx-evil-deps", "install").Split('\n')[0].Contains("in the package's one Racket process", StringComparison.Ordinal));
        Assert.False(File.Exists(Canary), "a command from the catalog ran");
        Assert.False(File.Exists(workspace.PathOf("pkgbuild-canary")), "a command from the catalog ran");
        Assert.False(File.Exists(workspace.PathOf("results", "pkgbuild-canary")));
        Assert.DoesNotContain("<script>alert(1)</script>", File.ReadAllText(workspace.PathOf("results", "report.html")));

        // A flood of output (20 MB to stderr; raco test itself keeps 16 KB of it): the log is cut at PkgBuildMaxLogSize with a marker.
        Assert.Equal("test-failure", Result("hx-flood"));
        var flood = Log("hx-flood", "test");
        Assert.InRange(flood.Length, 3_000, 4_096 + 1_000);
        Assert.Contains("log cut here at PkgBuildMaxLogSize", flood);
        // Processes without end: the sandbox's process limit (Processes=64) refuses the next one.
        Assert.Equal("test-failure", Result("hx-fork"));
        Assert.Contains("fork refused after", Log("hx-fork", "test"));
        // Memory without end: the address space limit (MemoryMb=768) ends it.
        Assert.Equal("test-failure", Result("hx-mem"));
        Assert.Contains("out of memory", Log("hx-mem", "test"));
        // The network: there is none, not even this machine's loopback.
        Assert.Equal("test-failure", Result("hx-net"));
        Assert.Contains("tcp-connect", Log("hx-net", "test"));
        Assert.DoesNotContain("connected to", Log("hx-net", "test"));
        // And the run went on.
        Assert.Equal("success", Result("hx-good"));
        Assert.Equal(7, results.Count);
    }

    [Theory]
    [InlineData("hx-deep", "PKB0104")]
    [InlineData("hx-wrong-type", "PKB0108")]
    public void A_malformed_entry_is_an_error_at_its_file_line_and_column_and_keeps_nothing_half_written(string entry, string code)
    {
        using var workspace = Workspace("");
        var file = workspace.PathOf("catalog", "pkg", entry);
        File.WriteAllText(file, entry == "hx-deep"
            ? "#hash((name . \"hx-deep\")\n (source . \"../packages/hx-good\") (description . " + new string('(', 5000) + new string(')', 5000) + "))"
            : "#hash((name . \"hx-wrong-type\")\n (source . 42))");

        var build = workspace.Build("pkgbuild.proj", "-t:CopyCatalog");

        var error = Assert.Single(build.Errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(file, error.File);
        Assert.Equal(2, error.Line);
        Assert.True(error.Column > 0);
        Assert.False(Directory.Exists(workspace.PathOf("obj", "pkgbuild", "catalog")), "a half-written copy was left");
    }

    [Fact]
    public void Three_malformed_entries_are_three_errors_at_their_places_in_one_build()
    {
        using var workspace = Workspace("");
        string Entry(string name, string text)
        {
            File.WriteAllText(workspace.PathOf("catalog", "pkg", name), text);
            return workspace.PathOf("catalog", "pkg", name);
        }
        var unclosed = Entry("hx-bad-1", "#hash((name . \"hx-bad-1\")\n (source . \"../packages/hx-good\")");
        var wrongType = Entry("hx-bad-2", "#hash((name . \"hx-bad-2\")\n (source . 42))");
        var badEscape = Entry("hx-bad-3", "#hash((name . \"hx-bad-3\")\n\n   (source . \"x\\qy\"))");

        var build = workspace.Build("pkgbuild.proj", "-t:CopyCatalog");

        Assert.False(build.Succeeded, build.ToString());
        Assert.Equal(
            [("PKB0101", unclosed, 1, 1), ("PKB0108", wrongType, 2, 12), ("PKB0103", badEscape, 3, 16)],
            build.Errors.Select(e => (e.Code, e.File, e.Line, e.Column)));
        Assert.Equal(1, build.Events.OfType<Microsoft.Build.Framework.TaskFinishedEventArgs>().Count(t => t.TaskName == "CopyCatalog" && !t.Succeeded));
        Assert.False(Directory.Exists(workspace.PathOf("obj", "pkgbuild", "catalog")), "a half-written copy was left");
    }
}
