using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Tests.Planning;

public sealed class PackageSelectionTests
{
    // qs-base <- qs-math <- qs-app ; qs-base <- qs-text ; qs-standalone alone ; qs-cli <- qs-app
    private static readonly PackageGraph Graph = Graphs.Of(
        ("qs-base", ["base"]),
        ("qs-math", ["qs-base"]),
        ("qs-text", ["qs-base"]),
        ("qs-app", ["qs-math", "qs-cli"]),
        ("qs-cli", []),
        ("qs-standalone", []));

    private static IReadOnlyList<string> Select(RunScope scope, string[]? named = null, string[]? overridden = null, string[]? skip = null) =>
        PackageSelection.Select(Graph, scope, named ?? [], overridden ?? [], skip ?? []).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void All_selects_every_package_of_the_graph()
    {
        Assert.Equal(Graph.Packages.Order(StringComparer.Ordinal), Select(RunScope.All));
    }

    [Fact]
    public void Dependents_selects_the_overridden_packages_and_what_depends_on_them_transitively_only()
    {
        Assert.Equal(["qs-app", "qs-base", "qs-math", "qs-text"], Select(RunScope.Dependents, overridden: ["qs-base"]));
        Assert.Equal(["qs-app", "qs-cli"], Select(RunScope.Dependents, overridden: ["qs-cli"]));
    }

    [Fact]
    public void Dependents_of_nothing_overridden_is_nothing()
    {
        Assert.Empty(Select(RunScope.Dependents));
    }

    [Fact]
    public void A_named_package_comes_with_its_dependencies()
    {
        Assert.Equal(["qs-app", "qs-base", "qs-cli", "qs-math"], Select(RunScope.All, named: ["qs-app"]));
        Assert.Equal(["qs-base", "qs-standalone", "qs-text"], Select(RunScope.All, named: ["qs-text", "qs-standalone"]));
    }

    [Fact]
    public void Named_packages_within_Dependents_keep_only_the_dependents()
    {
        // qs-app needs qs-cli, but qs-cli does not depend on the overridden qs-base.
        Assert.Equal(["qs-app", "qs-base", "qs-math"], Select(RunScope.Dependents, named: ["qs-app"], overridden: ["qs-base"]));
    }

    [Fact]
    public void Skip_removes_a_package_but_not_its_dependents()
    {
        Assert.Equal(["qs-app", "qs-cli", "qs-math", "qs-standalone", "qs-text"], Select(RunScope.All, skip: ["qs-base"]));
        Assert.Equal(["qs-app", "qs-base", "qs-cli"], Select(RunScope.All, named: ["qs-app"], skip: ["qs-math"]));
    }

    [Fact]
    public void An_unknown_name_is_PKB0701_with_close_names()
    {
        var error = Assert.Throws<PkgBuildException>(() => Select(RunScope.All, named: ["qs-mat"]));

        Assert.Equal(ErrorCodes.UnknownPackage, error.Code);
        Assert.Equal("PKB0701", error.Code);
        Assert.Contains("'qs-mat'", error.Message);
        Assert.Contains("did you mean", error.Message);
        Assert.Contains("'qs-math'", error.Message);
        Assert.DoesNotContain("qs-standalone", error.Message);
    }

    [Fact]
    public void An_unknown_skipped_name_is_an_error_too_and_is_located()
    {
        var where = new SourceLocation("Directory.Build.props", 12, 5, 0);

        var error = Assert.Throws<PkgBuildException>(() =>
            PackageSelection.Select(Graph, RunScope.All, [], [], ["zzzzzzzzzz"], name => name == "zzzzzzzzzz" ? where : default));

        Assert.Equal("PKB0701", error.Code);
        Assert.Equal(where, error.Location);
        Assert.DoesNotContain("did you mean", error.Message);
    }
}
