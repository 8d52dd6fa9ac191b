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
    public void Every_malformed_entry_of_a_directory_catalog_is_reported_in_file_order()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("cat", "pkg"));
        File.WriteAllText(dir.Combine("cat", "pkg", "a-end"), "#hash((source . \"x\")\n  (checksum . \"y\")");
        File.WriteAllText(dir.Combine("cat", "pkg", "b-good"), "#hash((source . \"good\") (checksum . \"\"))");
        File.WriteAllText(dir.Combine("cat", "pkg", "c-shape"), "#hash((checksum . \"\")\n (source . (\"x\")))");
        File.WriteAllText(dir.Combine("cat", "pkg", "d-escape"), "#hash((checksum . \"\")\n\n (source . \"a\\qb\"))");

        var error = Assert.Throws<PkgBuildAggregateException>(() => DirectoryCatalog.Read(dir.Combine("cat")));

        Assert.Equal(
            [
                (ErrorCodes.DataUnexpectedEnd, dir.Combine("cat", "pkg", "a-end"), 1, 1),
                (ErrorCodes.DataUnexpectedShape, dir.Combine("cat", "pkg", "c-shape"), 2, 12),
                (ErrorCodes.DataBadEscape, dir.Combine("cat", "pkg", "d-escape"), 3, 14),
            ],
            error.Errors.Select(e => (e.Code, e.Location.File, e.Location.Line, e.Location.Column)));
        Assert.Equal(0, error.Unreported);
        Assert.Null(error.UnreportedError);

        // Given a collector, the reader adds to it and returns the good entries: the caller decides.
        var errors = new ErrorCollector();
        Assert.Equal(["b-good"], DirectoryCatalog.Read(dir.Combine("cat"), errors: errors).Names);
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Every_malformed_entry_of_a_pkgs_all_is_reported_in_file_order()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("cat"));
        var pkgsAll = dir.Combine("cat", "pkgs-all");
        File.WriteAllText(pkgsAll, """
            #hash(("a" . ("not" "a" "hash"))
                  ("b" . #hash((source . "good") (checksum . "")))
                  ("c" . #hash((source . 12)))
                  ("d" . #hash((source . "d") (checksum . #"bytes"))))
            """);

        var error = Assert.Throws<PkgBuildAggregateException>(() => DirectoryCatalog.Read(dir.Combine("cat")));

        Assert.Equal(
            [(ErrorCodes.DataUnexpectedShape, pkgsAll, 1, 14), (ErrorCodes.DataUnexpectedShape, pkgsAll, 3, 30), (ErrorCodes.DataUnexpectedShape, pkgsAll, 4, 47)],
            error.Errors.Select(e => (e.Code, e.Location.File, e.Location.Line, e.Location.Column)));
        Assert.Contains("'a'", error.Errors[0].Message);
        Assert.Contains("'c'", error.Errors[1].Message);
        Assert.Contains("'d'", error.Errors[2].Message);
    }

    [Fact]
    public void Broken_data_in_a_pkgs_all_is_its_last_error_since_the_rest_cannot_be_read()
    {
        var text = "#hash((\"a\" . 1)\n (\"b\" . #hash((source . \"x\\q\")))\n (\"c\" . 2))";

        var error = Assert.Throws<PkgBuildAggregateException>(() => DirectoryCatalog.ReadPkgsAll(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "pkgs-all", null));

        Assert.Equal([(ErrorCodes.DataUnexpectedShape, 1, 14), (ErrorCodes.DataBadEscape, 2, 27)],
            error.Errors.Select(e => (e.Code, e.Location.Line, e.Location.Column)));
    }

    [Fact]
    public void Past_the_cap_malformed_entries_are_counted_not_reported_one_by_one()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("cat", "pkg"));
        for (var i = 0; i < ErrorCollector.MaxReported + 5; i++)
        {
            File.WriteAllText(dir.Combine("cat", "pkg", $"p{i:D3}"), "#hash((source . 1))");
        }

        var error = Assert.Throws<PkgBuildAggregateException>(() => DirectoryCatalog.Read(dir.Combine("cat")));

        Assert.Equal(100, error.Errors.Count);
        Assert.Equal(dir.Combine("cat", "pkg", "p099"), error.Errors[^1].Location.File);
        Assert.Equal(5, error.Unreported);
        Assert.Equal(ErrorCodes.TooManyErrors, error.UnreportedError!.Code);
        Assert.StartsWith("5 more errors were found", error.UnreportedError.Message);
        Assert.Contains("only the first 100", error.UnreportedError.Message);
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
