using PkgBuild.Testing;
using PkgBuild.Testing.RacketRepo;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// Installers built from a racket/racket checkout, against a STAND-IN checkout (RacketRepoStandIn: building
/// Racket takes hours) whose Makefile keeps the real targets, variables and outputs.
/// </summary>
public sealed class MakeInstallersTests
{
    private static string Project(string repository) => $"""
        <Project Sdk="PkgBuild.Sdk">
          <PropertyGroup>
            <PkgBuildRacketRepo>{repository}</PkgBuildRacketRepo>
            <PkgBuildInstallerPackages>typed-racket</PkgBuildInstallerPackages>
          </PropertyGroup>
          <ItemGroup><PkgBuildSourceCatalog Include="{Path.Combine(RepositoryPaths.Samples, "quickstart", "catalog")}" /></ItemGroup>
        </Project>
        """;

    [Fact]
    public void Installers_are_built_once_rebuilt_when_the_checkout_moves_and_a_dirty_checkout_is_refused()
    {
        using var racket = new RacketRepoStandIn();
        using var workspace = SdkWorkspace.FromProjectText(Project(racket.Path));

        var first = workspace.Build("pkgbuild.proj", "-t:ServeSite");
        Assert.True(first.Succeeded, first.ToString());
        Assert.Contains("MakeInstallers", first.TasksRun);
        Assert.True(File.Exists(workspace.PathOf("obj", "pkgbuild", "site", "installers", "table.rktd")));
        Assert.True(File.Exists(workspace.PathOf("obj", "pkgbuild", "site", "installers", "racket-standin-x86_64-linux.sh")));
        Assert.Equal("typed-racket", File.ReadAllText(Path.Combine(racket.Path, "build", "installers", "pkgs.txt")).Trim());
        Assert.Contains(first.Messages, m => m.Contains("mkdir -p build/installers", StringComparison.Ordinal)); // make's output streamed
        Assert.Contains("ServeSite", first.TasksRun); // its check fetched the built installer through the site

        var second = workspace.Build("pkgbuild.proj", "-t:BuildInstallers");
        Assert.True(second.Succeeded, second.ToString());
        Assert.Contains("_PkgBuildMakeInstallers", second.TargetsUpToDate);
        Assert.Equal(1, racket.Runs);

        racket.Repository.WriteFile("src/change.c", "/* the change under test */\n");
        var dirty = workspace.Build("pkgbuild.proj", "-t:BuildInstallers");
        var error = Assert.Single(dirty.Errors);
        Assert.Equal("PKB0405", error.Code);
        Assert.Contains("src/", error.Message);
        Assert.Equal(1, racket.Runs);

        racket.Repository.Commit("the change under test");
        var moved = workspace.Build("pkgbuild.proj", "-t:BuildInstallers");
        Assert.True(moved.Succeeded, moved.ToString());
        Assert.Equal(2, racket.Runs);
    }
}
