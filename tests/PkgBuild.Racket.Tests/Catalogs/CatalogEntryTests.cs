using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using Xunit;

namespace PkgBuild.Racket.Tests.Catalogs;

public class CatalogEntryTests
{
    private static CatalogEntry Entry(string text) => CatalogEntry.FromDatum("p", DatumReader.ReadSingle(text));

    [Fact]
    public void Versions_apply_as_raco_applies_them()
    {
        var entry = Entry("#hash((source . \"top\") (checksum . \"c\") (versions . #hash((\"8.7\" . #hash((source . \"v87\"))) (default . #hash((source . \"dflt\") (checksum . \"d\"))))))");
        Assert.Equal("v87", entry.ForVersion("8.7").Source);
        Assert.Equal("c", entry.ForVersion("8.7").Checksum);
        Assert.Equal("dflt", entry.ForVersion("8.6").Source);
        Assert.Equal("d", entry.ForVersion("8.6").Checksum);
        Assert.Equal("dflt", entry.ForVersion("8.7.0.1").Source); // exact strings only, no prefixes
    }

    [Fact]
    public void A_string_default_key_is_ignored_by_racket_and_flagged_here()
    {
        var entry = Entry("#hash((source . \"top\") (versions . #hash((\"default\" . #hash((source . \"never\"))) (\"8.7\" . #hash()) (default . #hash()))))");
        Assert.Equal("top", entry.ForVersion("8.6").Source);
        Assert.Equal(new[] { "\"default\"" }, entry.IgnoredVersionKeys().Select(k => k.ToString()));
    }

    [Fact]
    public void Edits_keep_unknown_keys_and_order()
    {
        var entry = Entry("#hash((source . \"a\") (x-unknown . #(1 2)) (checksum . \"b\"))");
        var edited = entry.WithSource("git://h/r?path=p#main").WithChecksum("0123456789abcdef0123456789abcdef01234567");
        Assert.Equal("#hash((source . \"git://h/r?path=p#main\") (x-unknown . #(1 2)) (checksum . \"0123456789abcdef0123456789abcdef01234567\"))",
            edited.Data.ToString());
        Assert.Equal("a", entry.Source);
    }

    [Fact]
    public void The_first_catalog_supplies_the_whole_entry()
    {
        var first = new PackageCatalog([CatalogEntry.FromDatum("p", DatumReader.ReadSingle("#hash((source . \"first\"))"))]);
        var second = new PackageCatalog([
            CatalogEntry.FromDatum("p", DatumReader.ReadSingle("#hash((source . \"second\") (checksum . \"x\"))")),
            CatalogEntry.FromDatum("q", DatumReader.ReadSingle("#hash((source . \"q\"))")),
        ]);
        var combined = PackageCatalog.Combine([first, second]);
        Assert.Equal(new[] { "p", "q" }, combined.Names);
        Assert.Equal("first", combined["p"]!.Source);
        Assert.Null(combined["p"]!.Checksum);
    }

    [Fact]
    public void Relative_sources_become_absolute_in_every_versions_entry_as_raco_makes_them()
    {
        // What raco pkg catalog-copy (Racket 8.7) wrote for this entry copied from file:///tmp/vt/src/.
        var entry = CatalogEntry.FromDatum("b", DatumReader.ReadSingle("""
            #hash((source . "../pkgs/b.zip") (checksum . "x")
                  (versions . #hash((default . #hash((source . "../pkgs/d.zip"))) ("8.7" . #hash((source . "../pkgs/e.zip") (checksum . "y")))
                                    ("default" . #hash((source . "rel/s"))) ("6.0" . #hash((checksum . "z"))))))
            """));

        var resolved = entry.WithRelativeSourceResolved(new Uri("file:///tmp/vt/src/"));

        Assert.Equal("file:///tmp/vt/pkgs/b.zip", resolved.Source);
        Assert.Equal("file:///tmp/vt/pkgs/d.zip", resolved.ForVersion("8.6").Source);
        Assert.Equal("file:///tmp/vt/pkgs/e.zip", resolved.ForVersion("8.7").Source);
        Assert.True(resolved.Versions!.TryGetValue(new RacketString("default"), out var ignored));
        Assert.Equal("file:///tmp/vt/src/rel/s", ((RacketString)((RacketHash)ignored)["source"]!).Value);
        Assert.True(resolved.Versions!.TryGetValue(new RacketString("6.0"), out var old));
        Assert.Null(((RacketHash)old)["source"]);
    }
}
