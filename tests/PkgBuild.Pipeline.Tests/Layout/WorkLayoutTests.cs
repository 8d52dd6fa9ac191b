using PkgBuild.Pipeline.Layout;

namespace PkgBuild.Pipeline.Tests.Layout;

public sealed class WorkLayoutTests
{
    [Fact]
    public void Names_every_step_directory_under_the_work_directory_and_results_under_the_results_directory()
    {
        var layout = new WorkLayout("/p/obj/pkgbuild/", "/p/results/");

        Assert.Equal("/p/obj/pkgbuild", layout.WorkDir);
        Assert.Equal("/p/obj/pkgbuild/catalog", layout.CatalogDir);
        Assert.Equal("/p/obj/pkgbuild/catalog-edited", layout.EditedCatalogDir);
        Assert.Equal("/p/obj/pkgbuild/site", layout.SiteDir);
        Assert.Equal("/p/obj/pkgbuild/guests", layout.GuestsDir);
        Assert.Equal("/p/results/summary.rktd", layout.SummaryRktd);
        Assert.Equal("/p/results/summary.json", layout.SummaryJson);
        Assert.Equal("/p/results/report.html", layout.ReportHtml);
        Assert.Equal("/p/results/report.md", layout.ReportMarkdown);
        Assert.Equal("/p/results/logs", layout.LogsDir);
    }

    [Fact]
    public void The_layout_names_match_the_private_properties_of_Sdk_targets()
    {
        var targets = File.ReadAllText(Path.Combine(PkgBuild.Testing.RepositoryPaths.Sdk, "Sdk", "Sdk.targets"));
        var layout = new WorkLayout("/w/", "/r/");

        Assert.Contains($"<_PkgBuildCatalogDir>$(PkgBuildWorkDir){Path.GetFileName(layout.CatalogDir)}/</_PkgBuildCatalogDir>", targets);
        Assert.Contains($"<_PkgBuildEditedCatalogDir>$(PkgBuildWorkDir){Path.GetFileName(layout.EditedCatalogDir)}/</_PkgBuildEditedCatalogDir>", targets);
        Assert.Contains($"<_PkgBuildSiteDir>$(PkgBuildWorkDir){Path.GetFileName(layout.SiteDir)}/</_PkgBuildSiteDir>", targets);
        Assert.Contains($"<_PkgBuildGuestsDir>$(PkgBuildWorkDir){Path.GetFileName(layout.GuestsDir)}/</_PkgBuildGuestsDir>", targets);
    }
}
