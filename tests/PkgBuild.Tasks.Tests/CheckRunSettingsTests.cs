using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PkgBuild.Testing;
using PkgBuild.Testing.MSBuild;

namespace PkgBuild.Tasks.Tests;

public sealed class CheckRunSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Values of the run's properties, as a project might set them (not the SDK's defaults: those live in Sdk.props only).</summary>
    private static ITaskItem[] Settings(params (string Name, string Value)[] changed)
    {
        var values = new Dictionary<string, string>
        {
            ["PkgBuildRacket"] = "Preinstalled", ["PkgBuildScope"] = "All", ["PkgBuildBaseline"] = "", ["PkgBuildConfirmRuns"] = "1",
            ["PkgBuildInstallTimeout"] = "60", ["PkgBuildTestTimeout"] = "60", ["PkgBuildSilenceTimeout"] = "0", ["PkgBuildMaxLogSize"] = "100000",
            ["PkgBuildInfraRetries"] = "1", ["PkgBuildJobs"] = "",
        };
        foreach (var (name, value) in changed)
        {
            values[name] = value;
        }
        return values.Select(v => (ITaskItem)new TaskItem(v.Key, new Dictionary<string, string> { ["Value"] = v.Value })).ToArray();
    }

    private (bool Succeeded, FakeBuildEngine Engine) Check(ITaskItem[] settings, string racketRepo = "", string project = "/p/pkgbuild.proj")
    {
        var engine = new FakeBuildEngine();
        var task = new CheckRunSettings { BuildEngine = engine, Project = project, Settings = settings, RacketRepo = racketRepo };
        return (task.Execute(), engine);
    }

    [Theory]
    [InlineData("", "Run", true)]
    [InlineData("/src/racket", "", true)]
    [InlineData("/src/racket", "baseline/summary.rktd", true)]
    [InlineData("/src/racket", "Run", false)]
    [InlineData("/src/racket", " run ", false)]
    public void A_baseline_run_on_installers_built_from_the_edited_catalog_is_refused(string racketRepo, string baseline, bool accepted)
    {
        var (succeeded, engine) = Check(Settings(("PkgBuildBaseline", baseline)), racketRepo);

        Assert.Equal(accepted, succeeded);
        if (!accepted)
        {
            var error = Assert.Single(engine.Errors);
            Assert.Equal("PKB0709", error.Code);
            Assert.Equal("/p/pkgbuild.proj", error.File);
            Assert.Contains("summary.rktd", error.Message);
        }
    }

    [Theory]
    [InlineData("PkgBuildTestTimeout", "10m")]
    [InlineData("PkgBuildInstallTimeout", "0")]
    [InlineData("PkgBuildScope", "Dependants")]
    [InlineData("PkgBuildJobs", "many")]
    [InlineData("PkgBuildConfirmRuns", "-1")]
    [InlineData("PkgBuildRacket", "Installed")]
    public void A_bad_value_is_refused_at_the_line_that_sets_it(string property, string value)
    {
        var project = _dir.Combine("pkgbuild.proj");
        File.WriteAllText(project, $"<Project Sdk=\"PkgBuild.Sdk\">\n  <PropertyGroup>\n    <{property}>{value}</{property}>\n  </PropertyGroup>\n</Project>\n");

        var (succeeded, engine) = Check(Settings((property, value)), project: project);

        Assert.False(succeeded);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(("PKB0003", project, 3, 6), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        Assert.StartsWith(property + ": '" + value + "'", error.Message);
    }

    [Fact]
    public void No_Racket_at_all_is_refused_once_with_every_way_to_give_one()
    {
        var (succeeded, engine) = Check(Settings(("PkgBuildRacket", "")));

        Assert.False(succeeded);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PKB0401", error.Code);
        foreach (var way in new[] { "PkgBuildInstaller", "PkgBuildSnapshotUrl", "PkgBuildRacketRepo", "PkgBuildRacket=Preinstalled" })
        {
            Assert.Contains(way, error.Message);
        }
        Assert.True(Check(Settings(("PkgBuildRacket", ""))).Succeeded == false && Check(Settings(("PkgBuildRacket", "")), racketRepo: "/src/racket").Succeeded);
    }

    [Fact]
    public void An_overrides_warning_is_given_here_only_when_the_build_stops_here_before_the_resolve_step()
    {
        var import = _dir.Combine("overrides.props");
        File.WriteAllText(import, """
            <Project>
              <ItemGroup>
                <PkgBuildOverride Include="tr-lib" Source="https://h/tr?path=tr-lib" Rev="main" />
                <PkgBuildOverride Include="other" Source="git://h/other?path=x" />
              </ItemGroup>
            </Project>
            """);
        var warned = new CatalogTasksTests.DefinedItem("tr-lib", import, new() { ["Source"] = "https://h/tr?path=tr-lib", ["Rev"] = "main" });
        var wrong = new CatalogTasksTests.DefinedItem("other", import, new() { ["Source"] = "git://h/other?path=x" });
        (bool Succeeded, FakeBuildEngine Engine) CheckOverrides(params ITaskItem[] overrides)
        {
            var engine = new FakeBuildEngine();
            var task = new CheckRunSettings { BuildEngine = engine, Project = _dir.Combine("pkgbuild.proj"), Settings = Settings(), Overrides = overrides };
            return (task.Execute(), engine);
        }

        var (stopped, engine) = CheckOverrides(warned, wrong);

        Assert.False(stopped);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(("PKB0303", import, 4, 6), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        var warning = Assert.Single(engine.Warnings);
        Assert.Equal(("PKB0305", import, 3, 6), (warning.Code, warning.File, warning.LineNumber, warning.ColumnNumber));
        var (passed, quiet) = CheckOverrides(warned);
        Assert.True(passed);
        Assert.Empty(quiet.Warnings); // the resolve step gives it
    }
}
