using System.Text.Json.Nodes;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// samples/typed-racket needs the network (public catalogs, GitHub), which CI does not have. What can be
/// checked offline is checked: the project evaluates under the packed SDK, and its override, applied to a
/// recorded subset of the public catalog, changes exactly the racket/typed-racket packages, in every URL
/// form that subset uses, as the real raco sees the result.
/// </summary>
public sealed class TypedRacketSampleTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567"; // stands in for what ls-remote would answer

    private static readonly string Subset = Path.Combine(RepositoryPaths.TestData("PkgBuild.Sdk.Tests"), "public-catalog-subset");

    [Fact]
    public void The_sample_evaluates_and_its_override_changes_exactly_the_typed_racket_repositorys_packages()
    {
        using var workspace = SdkWorkspace.FromSample("typed-racket");
        var evaluation = workspace.Evaluate("pkgbuild.proj", ["PkgBuildOverride", "PkgBuildSourceCatalog"], ["PkgBuildRacketVersion"]);

        Assert.Equal("8.7", evaluation["Properties"]!["PkgBuildRacketVersion"]!.GetValue<string>());
        var catalogs = evaluation["Items"]!["PkgBuildSourceCatalog"]!.AsArray().Select(i => i!["Identity"]!.GetValue<string>());
        Assert.Equal(["https://pkgs.racket-lang.org/", "https://planet-compats.racket-lang.org/"], catalogs);
        var item = Assert.Single(evaluation["Items"]!["PkgBuildOverride"]!.AsArray())!;
        var metadata = CatalogOverride.MetadataNames.Where(name => Meta(item, name) != null).ToDictionary(name => name, name => Meta(item, name)!);
        var parsed = CatalogOverride.Parse(Meta(item, "Identity")!, metadata, default, w => Assert.Fail(w.Message));

        var result = CatalogEditor.Apply(DirectoryCatalog.Read(Subset), [new ResolvedOverride(parsed, Commit, "branch")], "8.7");

        var expected = File.ReadAllLines(Path.Combine(Subset, "expected-typed-racket-packages.txt")).Where(l => l.Length > 0);
        Assert.Equal(expected, result.Edits.Select(e => e.Package));
        using var dir = new TempDirectory();
        DirectoryCatalog.Write(result.Catalog, dir.Path);
        var catalogUrl = new Uri(dir.Path + "/").AbsoluteUri;
        foreach (var edit in result.Edits)
        {
            Assert.Equal($"https://github.com/AlexKnauth/typed-racket.git?path={edit.Package}#opaque", edit.NewSource);
            // Racket 8.7 lays an entry's "8.7" versions entry, else its default, over the top level.
            var shown = RacketRunner.Raco("pkg", "catalog-show", "--catalog", catalogUrl, edit.Package);
            Assert.Contains($"Source: {edit.NewSource}", shown);
            Assert.Contains($"Checksum: {Commit}", shown);
        }
        Assert.Equal(DirectoryCatalog.Read(Subset)["math-lib"]!.Data, result.Catalog["math-lib"]!.Data);
    }

    private static string? Meta(JsonNode item, string name) => item[name]?.GetValue<string>();
}
