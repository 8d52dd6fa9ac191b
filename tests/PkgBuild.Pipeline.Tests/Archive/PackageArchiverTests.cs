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
        var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state"));

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
        var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state"));
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
}
