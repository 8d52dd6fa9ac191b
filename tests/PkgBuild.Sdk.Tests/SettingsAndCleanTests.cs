using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

public sealed class SettingsAndCleanTests
{
    [Fact]
    public void Clean_removes_the_work_and_results_directories()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");
        var workFile = workspace.PathOf("obj", "pkgbuild", "catalog", "pkgs");
        var resultFile = workspace.PathOf("results", "summary.rktd");
        var projectFile = workspace.PathOf("pkgbuild.proj");
        Directory.CreateDirectory(Path.GetDirectoryName(workFile)!);
        Directory.CreateDirectory(Path.GetDirectoryName(resultFile)!);
        File.WriteAllText(workFile, "()");
        File.WriteAllText(resultFile, "#hash()");

        var build = workspace.Build("pkgbuild.proj", "-t:Clean");

        Assert.True(build.Succeeded, build.ToString());
        Assert.False(Directory.Exists(workspace.PathOf("obj", "pkgbuild")));
        Assert.False(Directory.Exists(workspace.PathOf("results")));
        Assert.True(File.Exists(projectFile));
    }

    [Theory]
    [InlineData("PkgBuildWorkDir", "/")]
    [InlineData("PkgBuildWorkDir", ".")]
    [InlineData("PkgBuildResultsDir", "..")]
    public void Clean_refuses_a_directory_that_holds_more_than_pkgbuild_state(string property, string value)
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var build = workspace.Build("pkgbuild.proj", "-t:Clean", $"-p:{property}={value}");

        Assert.False(build.Succeeded, build.ToString());
        var error = Assert.Single(build.Errors);
        Assert.Equal("PKB0002", error.Code);
        Assert.Contains(property, error.Message);
        Assert.DoesNotContain("RemoveDir", build.TasksRun);
        Assert.True(File.Exists(workspace.PathOf("pkgbuild.proj")));
    }

    [Fact]
    public void An_unsafe_work_directory_stops_the_pipeline_before_any_step()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var build = workspace.Build("pkgbuild.proj", "-p:PkgBuildWorkDir=/");

        Assert.Equal("PKB0002", Assert.Single(build.Errors).Code);
        Assert.DoesNotContain("CopyCatalog", build.TargetsRun);
    }
}
