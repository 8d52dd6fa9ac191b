using Microsoft.Build.Utilities;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Testing;
using PkgBuild.Testing.Http;
using PkgBuild.Testing.MSBuild;

namespace PkgBuild.Tasks.Tests;

/// <summary>
/// PkgBuildAllowedSourceHosts and the remote entries list through the tasks in-process: CopyCatalog and
/// ArchivePackages warn with PKB0209 at the entry, and the allowed hosts reach both.
/// </summary>
public sealed class SourceHostTasksTests
{
    private static CatalogEntry Entry(string name, string source) =>
        CatalogEntry.FromDatum(name, DatumReader.ReadSingle($"#hash((source . \"{source}\") (checksum . \"\"))"));

    [Theory]
    [InlineData("", 1)]
    [InlineData("127.0.0.1", 0)]
    public void CopyCatalog_leaves_out_a_loopback_source_unless_allowed_and_lists_the_remote_entries(string allowed, int refused)
    {
        using var dir = new TempDirectory();
        var pkgsAll = "#hash((\"evil\" . #hash((source . \"git://127.0.0.1:9/repo\") (checksum . \"\"))))";
        using var server = new LoopbackHttpServer(request => request.PathAndQuery.StartsWith("/pkgs-all", StringComparison.Ordinal)
            ? TestHttpResponse.Ok(pkgsAll) : new TestHttpResponse(404));
        var engine = new FakeBuildEngine();
        var state = dir.Combine("sources");
        Assert.True(new FetchCatalogSources
        {
            ParallelRequests = 2,
            BuildEngine = engine, Sources = [new TaskItem(server.BaseUrl.AbsoluteUri)], StateDirectory = state, ProjectDirectory = dir.Path, RacketVersion = "8.7",
        }.Execute());

        var copy = new CopyCatalog
        {
            BuildEngine = engine, StateDirectory = state, Destination = dir.Combine("catalog"), HashFile = dir.Combine("catalog.hash"),
            RemoteEntriesFile = dir.Combine("catalog-remote.json"), AllowedSourceHosts = allowed,
        };
        Assert.True(copy.Execute());

        Assert.Equal(refused, engine.Warnings.Count(w => w.Code == "PKB0209"));
        Assert.All(engine.Warnings.Where(w => w.Code == "PKB0209"), w => Assert.Contains("'evil'", w.Message));
        Assert.Equal(refused == 1 ? [] : ["evil"], RemoteCatalogEntries.Read(dir.Combine("catalog-remote.json")).Names);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("127.0.0.1", 1)]
    public void ArchivePackages_refuses_a_remote_entry_on_loopback_at_its_catalog_file_unless_allowed(string allowed, int requests)
    {
        using var dir = new TempDirectory();
        using var files = new LoopbackHttpServer(_ => TestHttpResponse.Ok("zip bytes"));
        var catalog = dir.Combine("catalog");
        DirectoryCatalog.Write(new PackageCatalog([Entry("evil", $"http://127.0.0.1:{files.Port}/x.zip")]), catalog);
        new RemoteCatalogEntries { Names = ["evil"] }.Write(dir.Combine("catalog-remote.json"));
        var engine = new FakeBuildEngine();

        Assert.True(new ArchivePackages
        {
            Parallelism = 2,
            BuildEngine = engine, CatalogDirectory = catalog, SiteDirectory = dir.Combine("site"), StateDirectory = dir.Combine("archive"),
            RemoteEntriesFile = dir.Combine("catalog-remote.json"), AllowedSourceHosts = allowed,
        }.Execute());

        Assert.Equal(requests, files.Requests.Count);
        var warnings = engine.Warnings.Where(w => w.Code == "PKB0209").ToList();
        Assert.Equal(1 - requests, warnings.Count);
        Assert.All(warnings, w =>
        {
            Assert.Equal(Path.Combine(catalog, "pkg", "evil"), w.File);
            Assert.Contains("'evil'", w.Message);
            Assert.Contains("127.0.0.1", w.Message);
            Assert.Contains("PkgBuildAllowedSourceHosts", w.Message);
        });
        Assert.DoesNotContain(engine.Warnings, w => w.Code == "PKB0402");
    }
}
