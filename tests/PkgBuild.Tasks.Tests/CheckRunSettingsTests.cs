using PkgBuild.Testing.MSBuild;

namespace PkgBuild.Tasks.Tests;

public sealed class CheckRunSettingsTests
{
    [Theory]
    [InlineData("", "Run", true)]
    [InlineData("/src/racket", "", true)]
    [InlineData("/src/racket", "baseline/summary.rktd", true)]
    [InlineData("/src/racket", "Run", false)]
    [InlineData("/src/racket", " run ", false)]
    public void A_baseline_run_on_installers_built_from_the_edited_catalog_is_refused(string racketRepo, string baseline, bool accepted)
    {
        var engine = new FakeBuildEngine();
        var task = new CheckRunSettings { BuildEngine = engine, Project = "/p/pkgbuild.proj", RacketRepo = racketRepo, Baseline = baseline };

        Assert.Equal(accepted, task.Execute());
        if (!accepted)
        {
            var error = Assert.Single(engine.Errors);
            Assert.Equal("PKB0709", error.Code);
            Assert.Equal("/p/pkgbuild.proj", error.File);
            Assert.Contains("summary.rktd", error.Message);
        }
    }
}
