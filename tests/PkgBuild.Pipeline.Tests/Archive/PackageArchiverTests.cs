using System.Net;
using PkgBuild.Pipeline.Archive;
using PkgBuild.Pipeline.Site;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Testing;
using PkgBuild.Testing.Git;
using PkgBuild.Testing.Racket;

namespace PkgBuild.Pipeline.Tests.Archive;

/// <summary>
/// The archive step against a real git daemon: sources fetched at the catalog's commit, zipped, and
/// installed by the real raco from the served site with no other catalog.
/// </summary>
public sealed class PackageArchiverTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OverrideRepositories _repos;

    public PackageArchiverTests() => _repos = new OverrideRepositories(_dir.Path);

    public void Dispose()
    {
        _repos.Dispose();
        _dir.Dispose();
    }

    private PackageCatalog CatalogWith(params CatalogEntry[] extra) =>
        new(DirectoryCatalog.Read(_repos.CatalogDirectory).Entries.Concat(extra));

    private static CatalogEntry Entry(string name, string source, string checksum) =>
        CatalogEntry.FromDatum(name, DatumReader.ReadSingle($"#hash((source . \"{source}\") (checksum . \"{checksum}\"))"));

    [Fact]
    public async Task Every_source_is_archived_at_its_commit_and_raco_installs_it_from_the_site_alone()
    {
        var unreachable = Entry("gone-lib", "git://127.0.0.1:9/nothing?path=gone-lib", new string('a', 40));
        using var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state")) { MaxParallel = 2 };

        var outcomes = await archiver.ArchiveAsync(CatalogWith(unreachable));

        Assert.Equal(["gone-lib"], outcomes.Where(o => !o.Succeeded).Select(o => o.Package));
        Assert.Contains("git fetch", File.ReadAllText(_dir.Combine("site", "archive-fail", "gone-lib.txt")));
        Assert.Equal(["other-lib", "tr-lib", "tr-more"], outcomes.Where(o => o.Succeeded).Select(o => o.Package).Order());
        var shown = DirectoryCatalog.Read(_dir.Combine("site", "catalog"))["tr-lib"]!;
        Assert.Equal("../pkgs/tr-lib.zip", shown.Source);
        Assert.Null(shown.Versions);

        using var server = SiteServer.Start(_dir.Combine("site"), IPAddress.Loopback, 0);
        var home = _dir.Combine("home");
        RacketRunner.RacoAsUser(home, "pkg", "install", "--batch", "--auto", "--no-docs", "--catalog", server.Url + "catalog/", "tr-more");
        Assert.Equal("\"upstream\"", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "tr-more", "-e", "(write (marker))").Trim());
        Assert.Equal("\"upstream\"", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "tr-lib", "-e", "(write (marker))").Trim());
    }

    [Fact]
    public async Task A_rerun_reuses_what_did_not_change_and_refetches_what_did()
    {
        using var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state")) { MaxParallel = 2 };
        await archiver.ArchiveAsync(CatalogWith());

        var same = await archiver.ArchiveAsync(CatalogWith());
        Assert.All(same, o => Assert.True(o.Reused, o.Package));

        var moved = CatalogWith().Entries.Select(e => e.Name == "tr-lib" ? Entry("tr-lib", $"{_repos.ForkUrl}?path=tr-lib#opaque", _repos.ForkCommit) : e);
        var changed = await archiver.ArchiveAsync(new PackageCatalog(moved));
        Assert.Equal(["tr-lib"], changed.Where(o => !o.Reused).Select(o => o.Package));

        using var server = SiteServer.Start(_dir.Combine("site"), IPAddress.Loopback, 0);
        var home = _dir.Combine("home2");
        RacketRunner.RacoAsUser(home, "pkg", "install", "--batch", "--no-docs", "--catalog", server.Url + "catalog/", "tr-lib");
        Assert.Equal("\"opaque\"", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "tr-lib", "-e", "(write (marker))").Trim());
    }

    [Fact]
    public async Task Zip_and_tgz_package_files_are_checked_against_the_catalog_checksum()
    {
        var package = _dir.Combine("src", "file-demo");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "info.rkt"), "#lang info\n(define collection \"file-demo\")\n(define deps '(\"base\"))\n");
        File.WriteAllText(Path.Combine(package, "main.rkt"), "#lang racket/base\n(provide answer)\n(define answer 7)\n");
        Directory.CreateDirectory(_dir.Combine("files"));
        RacketRunner.Raco("pkg", "create", "--format", "zip", "--dest", _dir.Combine("files"), package);
        var zip = _dir.Combine("files", "file-demo.zip");
        var sha1 = File.ReadAllText(zip + ".CHECKSUM").Trim();
        Assert.Equal(0, ProcessRunner.Run("tar", ["-czf", _dir.Combine("files", "tgz-demo.tgz"), "-C", package, "."]).ExitCode);
        using var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state")) { MaxParallel = 2 };

        var outcomes = await archiver.ArchiveAsync(new PackageCatalog(
        [
            Entry("file-demo", new Uri(zip).AbsoluteUri, sha1),
            Entry("tampered", new Uri(zip).AbsoluteUri, new string('0', 40)),
            Entry("tgz-demo", _dir.Combine("files", "tgz-demo.tgz"), ""),
        ]));

        Assert.Equal(["file-demo", "tgz-demo"], outcomes.Where(o => o.Succeeded).Select(o => o.Package).Order());
        Assert.Contains("not the catalog's checksum", outcomes.Single(o => o.Package == "tampered").Failure);
        using var server = SiteServer.Start(_dir.Combine("site"), IPAddress.Loopback, 0);
        var home = _dir.Combine("home3");
        RacketRunner.RacoAsUser(home, "pkg", "install", "--batch", "--no-docs", "--catalog", server.Url + "catalog/", "file-demo");
        Assert.Equal("7", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "file-demo", "-e", "(display answer)").Trim());
    }
}
