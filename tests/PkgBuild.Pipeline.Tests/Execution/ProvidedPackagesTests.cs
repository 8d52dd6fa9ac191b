using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>What a run does with the packages the guests' Racket already has in installation scope.</summary>
public sealed class ProvidedPackagesTests
{
    private static CatalogEntry Entry(string name, string checksum, params string[] deps) =>
        CatalogEntry.FromDatum(name, DatumReader.ReadSingle(
            $"#hash((source . \"git://127.0.0.1/{name}.git\") (checksum . \"{checksum}\") (dependencies . ({string.Join(' ', deps.Select(d => $"\"{d}\""))})))"));

    private static readonly PackageCatalog Edited = new(
    [
        Entry("base", "b1"),
        Entry("typed-racket-lib", "fork", "base"),
        Entry("uses-tr", "u1", "base", "typed-racket-lib"),
    ]);

    private static Dictionary<string, ProvidedPackage> Has(params (string Name, string Checksum)[] packages) =>
        packages.ToDictionary(p => p.Name, p => new ProvidedPackage(p.Checksum, ["local"]));

    private static readonly SourceLocation At = new("pkgbuild.proj", 12, 6, 0);

    [Fact]
    public void An_override_of_an_installed_package_is_refused_at_its_item_naming_package_and_guest()
    {
        var selection = new RunSelection { Scope = RunScope.All, Overridden = ["typed-racket-lib"], LocateOverride = _ => ("typed-racket", At) };

        var e = Assert.Throws<PkgBuildException>(() => PkgBuildRun.RefuseProvided(selection, Has(("base", "b1"), ("typed-racket-lib", "as-distributed")), Edited));

        Assert.Equal(ErrorCodes.PackageProvidedByRacket, e.Code);
        Assert.Equal(At, e.Location);
        Assert.Contains("PkgBuildOverride 'typed-racket' asks to test typed-racket-lib", e.Message);
        Assert.Contains("guest 'local'", e.Message);
        Assert.Contains("minimal installer", e.Message);
    }

    [Fact]
    public void An_installed_package_that_already_is_the_change_is_given_not_refused()
    {
        // Installers built from the edited catalog hold the override's own commit.
        var selection = new RunSelection { Scope = RunScope.All, Overridden = ["typed-racket-lib"] };

        PkgBuildRun.RefuseProvided(selection, Has(("base", "b1"), ("typed-racket-lib", "fork")), Edited);
    }

    [Theory]
    [InlineData("package")]
    [InlineData("force")]
    public void Asking_to_build_or_force_an_installed_package_is_refused(string how)
    {
        var selection = how == "package"
            ? new RunSelection { Scope = RunScope.All, Packages = ["base"], Locate = _ => At }
            : new RunSelection { Scope = RunScope.All, Force = ["base"], Locate = _ => At };

        var e = Assert.Throws<PkgBuildException>(() => PkgBuildRun.RefuseProvided(selection, Has(("base", "b1")), Edited));

        Assert.Equal(At, e.Location);
        Assert.Contains(how == "package" ? "PkgBuildPackage 'base'" : "PkgBuildForce 'base'", e.Message);
    }

    [Fact]
    public void Installed_packages_are_not_nodes_so_nothing_waits_on_them()
    {
        var graph = PackageGraph.FromCatalog(Edited, new HashSet<string> { "base", "typed-racket-lib" });

        Assert.Equal(["uses-tr"], graph.Packages);
        Assert.Empty(graph.DependenciesOf("uses-tr"));
    }

    [Fact]
    public void Dependents_of_an_override_the_Racket_already_holds_are_still_its_dependents()
    {
        // PkgBuildScope=Dependents with installers built from the edited catalog: typed-racket-lib is given, and
        // what depends on it is what the change reaches.
        var given = new HashSet<string> { "base", "typed-racket-lib" };
        var graph = PackageGraph.FromCatalog(Edited, given);
        var reached = PackageSelection.Reached(Edited, graph, ["typed-racket-lib"]);

        Assert.Equal(["uses-tr"], PackageSelection.Select(graph, RunScope.Dependents, [], reached, []).Order());
    }
}
