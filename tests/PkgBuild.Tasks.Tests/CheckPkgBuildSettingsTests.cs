using PkgBuild.Testing;
using PkgBuild.Testing.MSBuild;

namespace PkgBuild.Tasks.Tests;

public sealed class CheckPkgBuildSettingsTests
{
    [Fact]
    public void Accepts_the_default_layout()
    {
        using var project = new TempDirectory();
        var engine = new FakeBuildEngine();
        var task = new CheckPkgBuildSettings
        {
            BuildEngine = engine,
            ProjectDirectory = project.Path,
            WorkDir = project.Combine("obj", "pkgbuild") + "/",
            ResultsDir = project.Combine("results") + "/",
        };

        Assert.True(task.Execute());
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void Reports_an_unsafe_results_directory_as_one_PKB0002_error()
    {
        using var project = new TempDirectory();
        var engine = new FakeBuildEngine();
        var task = new CheckPkgBuildSettings
        {
            BuildEngine = engine,
            ProjectDirectory = project.Path,
            WorkDir = project.Combine("obj", "pkgbuild"),
            ResultsDir = project.Path,
        };

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PKB0002", error.Code);
        Assert.Contains("PkgBuildResultsDir", error.Message);
    }
}
