using PkgBuild.Pipeline.Layout;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Layout;

public sealed class DirectorySafetyTests
{
    [Fact]
    public void A_directory_inside_the_project_is_deletable()
    {
        using var project = new TempDirectory();

        DirectorySafety.EnsureDeletable("PkgBuildWorkDir", project.Combine("obj", "pkgbuild") + "/", project.Path);
    }

    [Theory]
    [InlineData("/")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("~")]
    public void Refuses_roots_the_project_home_and_their_ancestors(string relative)
    {
        using var project = new TempDirectory();
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var dir = relative == "~" ? home : Path.GetFullPath(Path.Combine(project.Path, relative));

        var error = Assert.Throws<PkgBuildException>(() => DirectorySafety.EnsureDeletable("PkgBuildWorkDir", dir, project.Path));

        Assert.Equal(ErrorCodes.UnsafeDirectory, error.Code);
        Assert.Contains("PkgBuildWorkDir", error.Message);
    }

    [Fact]
    public void A_sibling_whose_name_extends_the_project_name_is_not_mistaken_for_an_ancestor()
    {
        using var parent = new TempDirectory();
        var project = Path.Combine(parent.Path, "proj");

        DirectorySafety.EnsureDeletable("PkgBuildResultsDir", Path.Combine(parent.Path, "proj-results"), project);
    }
}
