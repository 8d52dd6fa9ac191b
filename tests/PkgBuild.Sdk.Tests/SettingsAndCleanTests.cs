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

    /// <summary>A project with one directory catalog and the given lines in its PropertyGroup (line 4 onwards).</summary>
    private static SdkWorkspace Project(string properties, string items = "") => SdkWorkspace.FromProjectText($"""
        <Project Sdk="PkgBuild.Sdk">
          <PropertyGroup>
            <PkgBuildWorkDir>obj/pkgbuild/</PkgBuildWorkDir>
            {properties}
          </PropertyGroup>
          <ItemGroup>
            <PkgBuildSourceCatalog Include="{Path.Combine(PkgBuild.Testing.RepositoryPaths.Samples, "quickstart", "catalog")}" />
            {items}
          </ItemGroup>
        </Project>
        """);

    [Fact]
    public void A_bad_run_setting_fails_at_its_line_before_the_catalog_is_copied()
    {
        using var workspace = Project("<PkgBuildRacket>Preinstalled</PkgBuildRacket>\n    <PkgBuildTestTimeout>10m</PkgBuildTestTimeout>");

        var build = workspace.Build("pkgbuild.proj");

        var error = Assert.Single(build.Errors);
        Assert.Equal(("PKB0003", 5), (error.Code, error.Line));
        Assert.EndsWith("pkgbuild.proj", error.File);
        Assert.Contains("PkgBuildTestTimeout", error.Message);
        Assert.DoesNotContain("CopyCatalog", build.TargetsRun);
    }

    [Fact]
    public void A_project_without_a_Racket_fails_before_the_catalog_is_copied()
    {
        using var workspace = Project("");

        var build = workspace.Build("pkgbuild.proj");

        var error = Assert.Single(build.Errors);
        Assert.Equal("PKB0401", error.Code);
        Assert.EndsWith("pkgbuild.proj", error.File);
        Assert.DoesNotContain("CopyCatalog", build.TargetsRun);
    }

    [Fact]
    public void A_misspelt_setting_is_warned_about_with_the_name_meant()
    {
        using var workspace = Project("<PkgBuildRacket>Preinstalled</PkgBuildRacket>\n    <PkgBuildBasline>Run</PkgBuildBasline>",
            "<PkgBuildGuest Include=\"box\" Kidn=\"Local\" />");

        var build = workspace.Build("pkgbuild.proj", "-t:BuildInstallers", "-p:PkgBuildRetryFaild=true");

        Assert.True(build.Succeeded, build.ToString());
        var warnings = build.Warnings.Where(w => w.Code == "PKB0007").ToList();
        var baseline = Assert.Single(warnings, w => w.Message.StartsWith("PkgBuildBasline", StringComparison.Ordinal));
        Assert.Contains("did you mean PkgBuildBaseline", baseline.Message);
        Assert.Equal(5, baseline.Line);
        var metadata = Assert.Single(warnings, w => w.Message.StartsWith("Kidn", StringComparison.Ordinal));
        Assert.Contains("did you mean Kind", metadata.Message);
        Assert.Equal(9, metadata.Line);
        var global = Assert.Single(warnings, w => w.Message.StartsWith("PkgBuildRetryFaild", StringComparison.Ordinal));
        Assert.Contains("PkgBuildRetryFailed", global.Message);
        Assert.Equal(3, warnings.Count);
    }
}
