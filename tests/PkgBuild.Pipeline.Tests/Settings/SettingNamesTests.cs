using PkgBuild.Pipeline.Settings;

namespace PkgBuild.Pipeline.Tests.Settings;

public sealed class SettingNamesTests
{
    private static readonly SettingNames Sdk = SettingNames.FromSdkFiles(
        ["<PkgBuildBaseline Condition=\"'$(PkgBuildBaseline)' == ''\" />", "@(PkgBuildGuest) $(PkgBuildBaselineInstaller) $(_PkgBuildSiteDir) PkgBuild.Tasks.CopyCatalog"]);

    [Theory]
    [InlineData("PkgBuildBasline", "PkgBuildBaseline")]
    [InlineData("pkgbuildbaseline", null)]
    [InlineData("PkgBuildGeust", "PkgBuildGuest")]
    [InlineData("PkgBuildBaselineInstaler", "PkgBuildBaselineInstaller")]
    public void A_misspelt_name_gets_the_one_meant(string name, string? meant)
    {
        if (meant == null)
        {
            Assert.True(Sdk.IsKnown(name)); // MSBuild's names are not case-sensitive
            return;
        }
        Assert.False(Sdk.IsKnown(name));
        Assert.Equal(meant, Sdk.Closest(name)[0]);
    }

    [Fact]
    public void Only_public_names_are_known_and_a_far_name_gets_no_suggestion()
    {
        Assert.False(Sdk.IsKnown("PkgBuildSiteDir")); // _PkgBuildSiteDir is private
        Assert.False(Sdk.IsKnown("PkgBuild"));
        Assert.Empty(Sdk.Closest("PkgBuildSomethingElseEntirely"));
    }

    [Theory]
    [InlineData("Kind", "Kidn", 1)]
    [InlineData("Kind", "Kin", 1)]
    [InlineData("Kind", "Kindd", 1)]
    [InlineData("Kind", "Mind", 1)]
    [InlineData("Kind", "Host", 4)]
    public void Distance_counts_inserts_deletes_substitutions_and_swaps(string a, string b, int edits)
    {
        Assert.Equal(edits, SettingNames.Distance(a.ToLowerInvariant(), b.ToLowerInvariant()));
    }
}
