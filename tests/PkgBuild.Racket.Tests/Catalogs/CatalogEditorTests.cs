using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Tests.Catalogs;

public sealed class CatalogEditorTests
{
    private static readonly string Commit = "0123456789abcdef0123456789abcdef01234567";

    private static CatalogEntry Entry(string name, string text) =>
        CatalogEntry.FromDatum(name, DatumReader.ReadSingle(text));

    /// <summary>Entries in the shapes the public catalog uses, each form of a typed-racket URL once.</summary>
    private static PackageCatalog Catalog() => new(
    [
        Entry("typed-racket-lib", """
            #hash((source . "git://github.com/racket/typed-racket/?path=typed-racket-lib") (checksum . "old1") (ring . 1)
                  (versions . #hash((default . #hasheq((source . "git://github.com/racket/typed-racket/?path=typed-racket-lib") (checksum . "old1") (source_url . "u")))
                                    ("8.7" . #hasheq((source . "git://github.com/racket/typed-racket/?path=typed-racket-lib#v8.7") (checksum . "old87")))
                                    ("default" . #hasheq((source . "ignored by Racket")))))
                  (unknown-key . (1 2 3)))
            """),
        Entry("typed-racket-more", """#hash((source . "https://github.com/Racket/typed-racket.git?path=typed-racket-more") (checksum . "old2"))"""),
        Entry("typed-racket-doc", """#hash((source . "github://github.com/racket/typed-racket/master/typed-racket-doc") (checksum . "old3"))"""),
        Entry("typed-racket", """#hash((source . "git://github.com/racket/typed-racket/?path=typed-racket") (checksum . "old4"))"""),
        Entry("typed-map", """#hash((source . "git://github.com/someone/typed-map") (checksum . "x"))"""),
        Entry("math-lib", """#hash((source . "git://github.com/racket/math/?path=math-lib") (checksum . "y"))"""),
    ]);

    private static ResolvedOverride Resolved(string name, SourceLocation location, params (string Name, string Value)[] metadata) =>
        new(CatalogOverride.Parse(name, metadata.ToDictionary(m => m.Name, m => m.Value), location, w => Assert.Fail(w.Message)), Commit, "branch");

    private static ResolvedOverride Repo(string name = "typed-racket", string repository = "https://github.com/racket/typed-racket") =>
        Resolved(name, default, ("Repository", repository), ("With", "https://github.com/me/typed-racket.git"), ("Rev", "opaque"));

    private static ResolvedOverride Single(string name, string source, string rev, SourceLocation location = default) =>
        Resolved(name, location, ("Source", source), ("Rev", rev));

    [Fact]
    public void A_repository_override_replaces_every_package_of_that_repository_whatever_its_url_form()
    {
        var result = CatalogEditor.Apply(Catalog(), [Repo()], "8.7");

        Assert.Equal(["typed-racket", "typed-racket-doc", "typed-racket-lib", "typed-racket-more"], result.Edits.Select(e => e.Package));
        foreach (var edit in result.Edits)
        {
            Assert.Equal($"https://github.com/me/typed-racket.git?path={edit.Package}#opaque", edit.NewSource);
            Assert.Equal(Commit, edit.NewChecksum);
            var entry = result.Catalog[edit.Package]!;
            Assert.Equal(edit.NewSource, entry.Source);
            Assert.Equal(Commit, entry.Checksum);
        }
        Assert.Equal("git://github.com/someone/typed-map", result.Catalog["typed-map"]!.Source);
        Assert.Equal("git://github.com/racket/math/?path=math-lib", result.Catalog["math-lib"]!.Source);
    }

    [Theory]
    [InlineData("8.7")]
    [InlineData("8.6")]
    [InlineData("9.0")]
    public void The_versions_entries_that_would_shadow_the_override_are_rewritten(string racketVersion)
    {
        var result = CatalogEditor.Apply(Catalog(), [Repo()], racketVersion);

        var seen = result.Catalog["typed-racket-lib"]!.ForVersion(racketVersion);
        Assert.Equal("https://github.com/me/typed-racket.git?path=typed-racket-lib#opaque", seen.Source);
        Assert.Equal(Commit, seen.Checksum);
        var edit = result.Edits.Single(e => e.Package == "typed-racket-lib");
        Assert.Equal(racketVersion == "8.7" ? ["\"8.7\"", "default"] : ["default"], edit.RewrittenVersions);
        Assert.Equal("old1", edit.OldChecksum);
        // The string "default" key, which Racket ignores, is left as it was.
        Assert.True(result.Catalog["typed-racket-lib"]!.Versions!.TryGetValue(new RacketString("default"), out var ignored));
        Assert.Equal("ignored by Racket", ((RacketString)((RacketHash)ignored)["source"]!).Value);
    }

    [Fact]
    public void A_repository_override_never_matches_a_source_only_racket_ignores()
    {
        var catalog = new PackageCatalog(
        [
            Entry("typed-racket-compatibility", """
                #hash((source . "git://github.com/racket/typed-racket/?path=typed-racket-compatibility") (checksum . "c")
                      (versions . #hash(("default" . #hasheq((source . "git://github.com/plt/racket/?path=pkgs/typed-racket-compatibility")))
                                        ("6.0" . #hasheq((source . "git://github.com/plt/racket/?path=pkgs/typed-racket-compatibility") (checksum . "o"))))))
                """),
        ]);
        var plt = Resolved("plt", default, ("Repository", "git://github.com/plt/racket"), ("With", "git://example.org/racket"), ("Rev", "main"));

        var error = Assert.Throws<PkgBuildException>(() => CatalogEditor.Apply(catalog, [plt], "8.7"));
        Assert.Equal(ErrorCodes.OverrideMatchesNothing, error.Code);
        // Under 6.0, the entry Racket would use is in plt/racket: then it matches.
        Assert.Single(CatalogEditor.Apply(catalog, [plt], "6.0").Edits);
    }

    [Fact]
    public void Everything_else_in_an_entry_is_kept()
    {
        var result = CatalogEditor.Apply(Catalog(), [Repo()], "8.7");
        var entry = result.Catalog["typed-racket-lib"]!;
        Assert.Equal("(1 2 3)", entry.Data["unknown-key"]!.ToString());
        Assert.Equal("1", entry.Data["ring"]!.ToString());
        var versions = entry.Versions!;
        Assert.True(versions.TryGetValue(new RacketSymbol("default"), out var byDefault));
        Assert.Equal("u", ((RacketString)((RacketHash)byDefault)["source_url"]!).Value);
    }

    [Fact]
    public void A_single_package_override_changes_that_package_only()
    {
        var result = CatalogEditor.Apply(Catalog(), [Single("math-lib", "git://127.0.0.1/math?path=math-lib", "fix")], "8.7");

        var edit = Assert.Single(result.Edits);
        Assert.Equal(("math-lib", "git://github.com/racket/math/?path=math-lib", "git://127.0.0.1/math?path=math-lib#fix"), (edit.Package, edit.OldSource, edit.NewSource));
        Assert.Equal(6, result.Catalog.Count);
    }

    [Fact]
    public void An_override_that_matches_nothing_lists_the_close_names()
    {
        var typo = Single("typed-rackt-lib", "git://h/r?path=x", "m", new SourceLocation("p.proj", 3, 4, 0));
        var e = Assert.Throws<PkgBuildException>(() => CatalogEditor.Apply(Catalog(), [typo], "8.7"));
        Assert.Equal(ErrorCodes.OverrideMatchesNothing, e.Code);
        Assert.Contains("Close names: typed-racket-lib", e.Message);
        Assert.Equal(("p.proj", 3, 4), (e.Location.File, e.Location.Line, e.Location.Column));

        e = Assert.Throws<PkgBuildException>(() => CatalogEditor.Apply(Catalog(), [Repo(repository: "https://github.com/racket/typed-rackett")], "8.7"));
        Assert.Equal(ErrorCodes.OverrideMatchesNothing, e.Code);
        Assert.Contains("closest to it: github.com/racket/typed-racket, ", e.Message);
    }

    [Fact]
    public void A_repository_that_matches_nothing_names_the_nearest_repositories_however_far()
    {
        // A local mirror of the repository: too far from the catalog's github.com spelling for a "did you mean".
        var e = Assert.Throws<PkgBuildException>(() => CatalogEditor.Apply(Catalog(), [Repo(repository: "git://127.0.0.1:9418/mirrors/typed-racket")], "8.7"));

        Assert.Equal(ErrorCodes.OverrideMatchesNothing, e.Code);
        Assert.Contains("The catalog's repositories closest to it: github.com/racket/typed-racket, github.com/someone/typed-map, github.com/racket/math.", e.Message);
    }

    [Fact]
    public void A_repository_override_on_a_catalog_without_git_sources_says_so()
    {
        var catalog = new PackageCatalog([Entry("p", """#hash((source . "https://example.org/p.zip") (checksum . "c"))""")]);

        var e = Assert.Throws<PkgBuildException>(() => CatalogEditor.Apply(catalog, [Repo()], "8.7"));

        Assert.Contains("No package in it has a git source.", e.Message);
    }

    [Fact]
    public void Two_overrides_of_one_package_conflict()
    {
        var e = Assert.Throws<PkgBuildException>(() => CatalogEditor.Apply(Catalog(), [Repo(), Single("typed-racket-lib", "git://h/r?path=x", "m")], "8.7"));
        Assert.Equal(ErrorCodes.OverrideConflict, e.Code);
    }
}
