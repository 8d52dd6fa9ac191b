using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;
using Xunit;

namespace PkgBuild.Racket.Tests.Catalogs;

public class DirectoryCatalogTests
{
    [Fact]
    public void A_catalog_copied_by_raco_is_read_and_written_back_as_raco_wrote_it()
    {
        using var dir = new TempDirectory();
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), "12");
        RacketRunner.Raco("pkg", "catalog-copy", dir.Combine("source"), dir.Combine("raco"));

        var skipped = new List<string>();
        var catalog = DirectoryCatalog.Read(dir.Combine("raco"), (name, _) => skipped.Add(name));
        Assert.Equal(12, catalog.Count);
        Assert.Empty(skipped);
        DirectoryCatalog.Write(catalog, dir.Combine("ours"));

        foreach (var name in catalog.Names)
        {
            Assert.Equal(File.ReadAllText(dir.Combine("raco", "pkg", name)), File.ReadAllText(dir.Combine("ours", "pkg", name)));
        }
        Assert.Equal(File.ReadAllText(dir.Combine("raco", "pkgs-all")), File.ReadAllText(dir.Combine("ours", "pkgs-all")));
        var racoNames = (RacketList)DatumReader.ReadSingleFile(dir.Combine("raco", "pkgs"));
        var ourNames = (RacketList)DatumReader.ReadSingleFile(dir.Combine("ours", "pkgs"));
        Assert.Equal(racoNames.Items.Select(n => n.ToString()).Order(StringComparer.Ordinal), ourNames.Items.Select(n => n.ToString()));

        // And raco reads ours, laying the entry's versions over it for the installed version as ForVersion does
        // (the test catalog has a "8.7" entry with source "old", and a default without a source).
        var shown = RacketRunner.Raco("pkg", "catalog-show", "--catalog", "file://" + dir.Combine("ours"), "pkg-1_x");
        Assert.Contains("Package name: pkg-1_x", shown);
        Assert.Contains($"Source: {catalog["pkg-1_x"]!.ForVersion(RacketRunner.Version).Source}\n", shown);
        Assert.Equal("old", catalog["pkg-1_x"]!.ForVersion("8.7").Source);
    }

    [Fact]
    public void Raco_copies_an_invalid_name_and_we_skip_it()
    {
        using var dir = new TempDirectory();
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), "2");
        File.WriteAllText(dir.Combine("source", "pkg", "bad name!"), "#hash((source . \"x\") (checksum . \"\"))");
        RacketRunner.Raco("pkg", "catalog-copy", dir.Combine("source"), dir.Combine("raco"));
        Assert.True(File.Exists(dir.Combine("raco", "pkg", "bad name!")));
        var skipped = new List<string>();
        Assert.Equal(2, DirectoryCatalog.Read(dir.Combine("raco"), (name, _) => skipped.Add(name)).Count);
        Assert.Equal(new[] { "bad name!" }, skipped);
    }

    [Fact]
    public void Invalid_names_in_pkg_are_skipped_and_reported_not_opened()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("cat", "pkg"));
        File.WriteAllText(dir.Combine("cat", "pkg", "good"), "#hash((source . \"good\") (checksum . \"\"))");
        File.WriteAllText(dir.Combine("cat", "pkg", "bad.name"), "not even data (");
        var skipped = new List<string>();
        var catalog = DirectoryCatalog.Read(dir.Combine("cat"), (name, _) => skipped.Add(name));
        Assert.Equal(new[] { "good" }, catalog.Names);
        Assert.Equal(new[] { "bad.name" }, skipped);
    }

    [Fact]
    public void A_malformed_entry_is_reported_with_file_line_and_column()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("cat", "pkg"));
        File.WriteAllText(dir.Combine("cat", "pkg", "p"), "#hash((source . \"x\")\n  (checksum . \"y\")");
        var error = Assert.Throws<PkgBuildException>(() => DirectoryCatalog.Read(dir.Combine("cat")));
        Assert.Equal(ErrorCodes.DataUnexpectedEnd, error.Code);
        Assert.Equal(dir.Combine("cat", "pkg", "p"), error.Location.File);
        Assert.Equal((1, 1), (error.Location.Line, error.Location.Column));

        File.WriteAllText(dir.Combine("cat", "pkg", "p"), "#hash((checksum . \"\")\n (source . (\"x\")))");
        error = Assert.Throws<PkgBuildException>(() => DirectoryCatalog.Read(dir.Combine("cat")));
        Assert.Equal(ErrorCodes.DataUnexpectedShape, error.Code);
        Assert.Equal((2, 12), (error.Location.Line, error.Location.Column));
    }

    [Fact]
    public void A_directory_without_pkg_is_not_a_catalog()
    {
        using var dir = new TempDirectory();
        Assert.Equal(ErrorCodes.NotACatalog, Assert.Throws<PkgBuildException>(() => DirectoryCatalog.Read(dir.Path)).Code);
    }

    [Fact]
    public void A_directory_with_pkgs_all_is_read_from_it_as_raco_catalog_copy_reads_it()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("cat", "pkg"));
        File.WriteAllText(dir.Combine("cat", "pkg", "a"), "#hash((source . \"from-pkg\") (checksum . \"\"))");
        File.WriteAllText(dir.Combine("cat", "pkgs-all"),
            "#hash((\"a\" . #hash((source . \"from-all\") (checksum . \"\"))) (\"b\" . #hash((source . \"only-all\") (checksum . \"\"))) (\"no good\" . #hash()))");
        RacketRunner.Raco("pkg", "catalog-copy", dir.Combine("cat"), dir.Combine("raco"));
        var skipped = new List<(string, int)>();

        var catalog = DirectoryCatalog.Read(dir.Combine("cat"), (name, at) => skipped.Add((name, at.Column)));

        Assert.Equal(["a", "b"], catalog.Names);
        Assert.Equal("from-all", catalog["a"]!.Source);
        Assert.Equal([("no good", 114)], skipped); // the key's column
        Assert.Contains("(source . \"from-all\")", File.ReadAllText(dir.Combine("raco", "pkgs-all")));
    }
}
