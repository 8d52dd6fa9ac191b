using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Http;
using PkgBuild.Testing.Racket;

namespace PkgBuild.Pipeline.Tests.Catalogs;

/// <summary>The fetch half of CopyCatalog: what it asks a real HTTP server, and when its fingerprint moves.</summary>
public sealed class CatalogFetcherTests : IDisposable
{
    private static readonly HttpRetryPolicy Quick = new() { FirstDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 };
    private readonly TempDirectory _dir = new();
    private readonly LoopbackHttpServer _server;
    private string _etag = "\"v1\"";
    private bool _broken;
    private int _conditionalRequests;

    public CatalogFetcherTests()
    {
        RacketRunner.RunScript("make-catalog.rkt", _dir.Combine("source"), "5");
        RacketRunner.Raco("pkg", "catalog-copy", _dir.Combine("source"), _dir.Combine("served"));
        _server = new LoopbackHttpServer(request =>
        {
            if (_broken)
            {
                return new TestHttpResponse(500);
            }
            if (request.Header("If-None-Match") != null)
            {
                Interlocked.Increment(ref _conditionalRequests);
            }
            if (request.PathAndQuery.StartsWith("/pkgs-all", StringComparison.Ordinal) && request.Header("If-None-Match") == _etag)
            {
                return new TestHttpResponse(304);
            }
            var file = _dir.Combine("served", Uri.UnescapeDataString(request.PathAndQuery.Split('?')[0]).TrimStart('/'));
            return File.Exists(file) ? TestHttpResponse.Ok(File.ReadAllText(file), _etag) : new TestHttpResponse(404);
        });
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private async Task<CatalogFetchState> Fetch(bool refresh = false)
    {
        using var http = new CatalogHttpClient(Quick);
        return await new CatalogFetcher(http, _ => { }) { MaxParallelRequests = 3 }.FetchAsync([_server.BaseUrl.AbsoluteUri], "8.7", _dir.Combine("state"), refresh);
    }

    private string FingerprintFile => _dir.Combine("state", CatalogFetchState.FingerprintFile);

    [Fact]
    public async Task An_unchanged_catalog_costs_one_conditional_request_and_leaves_the_fingerprint_alone()
    {
        var first = await Fetch();
        var stamp = File.GetLastWriteTimeUtc(FingerprintFile);
        Thread.Sleep(20);

        var second = await Fetch();

        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(FingerprintFile));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(1, _conditionalRequests);
        Assert.Equal(CatalogSourceForm.PkgsAll, second.Sources[0].Form);
    }

    [Fact]
    public async Task A_changed_catalog_moves_the_fingerprint()
    {
        var first = await Fetch();
        File.AppendAllText(_dir.Combine("served", "pkgs-all"), " ");
        _etag = "\"v2\"";

        var second = await Fetch();

        Assert.NotEqual(first.Fingerprint, second.Fingerprint);
        Assert.Equal(second.Fingerprint, File.ReadAllText(FingerprintFile));
    }

    [Fact]
    public async Task A_refresh_downloads_again_without_asking_and_keeps_the_fingerprint_when_nothing_changed()
    {
        var first = await Fetch();
        var second = await Fetch(refresh: true);

        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(0, _conditionalRequests);
    }

    [Fact]
    public async Task A_failing_catalog_leaves_the_previous_state_in_place()
    {
        var first = await Fetch();
        _broken = true;

        var error = await Assert.ThrowsAsync<PkgBuildException>(() => Fetch(refresh: true));

        Assert.Equal(ErrorCodes.CatalogRetriesExhausted, error.Code);
        Assert.Equal(first.Fingerprint, File.ReadAllText(FingerprintFile));
        var kept = CatalogFetchState.Load(_dir.Combine("state"));
        Assert.True(File.Exists(_dir.Combine("state", kept.Sources[0].File!)));
    }

    [Fact]
    public async Task A_directory_catalogs_fingerprint_follows_its_content()
    {
        using var http = new CatalogHttpClient(Quick);
        var fetcher = new CatalogFetcher(http, _ => { }) { MaxParallelRequests = 3 };
        var first = await fetcher.FetchAsync([_dir.Combine("source")], "8.7", _dir.Combine("dirstate"));
        var again = await fetcher.FetchAsync([_dir.Combine("source")], "8.7", _dir.Combine("dirstate"));
        File.AppendAllText(_dir.Combine("source", "pkg", "pkg-1"), " ");
        var changed = await fetcher.FetchAsync([_dir.Combine("source")], "8.7", _dir.Combine("dirstate"));

        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.NotEqual(first.Fingerprint, changed.Fingerprint);
    }

    [Fact]
    public async Task A_directory_catalog_is_announced_as_read_when_copied_not_as_no_entries()
    {
        using var http = new CatalogHttpClient(Quick);
        var progress = new CatalogProgress();

        var state = await new CatalogFetcher(http, _ => { }, progress) { MaxParallelRequests = 3 }.FetchAsync([_dir.Combine("source")], "8.7", _dir.Combine("dirstate"));

        var summary = progress.Summary(state.Sources);
        Assert.StartsWith("1 directory catalog(s), read when copied (", summary);
        Assert.DoesNotContain("entries", summary);
    }

    [Theory]
    [InlineData("ftp://example.org/catalog/", ErrorCodes.CatalogSourceNotFound)]
    [InlineData("/nonexistent/catalog", ErrorCodes.CatalogSourceNotFound)]
    [InlineData("/tmp", ErrorCodes.NotACatalog)]
    public async Task Sources_that_are_not_catalogs_are_named(string source, string code)
    {
        using var http = new CatalogHttpClient(Quick);
        var error = await Assert.ThrowsAsync<PkgBuildException>(() => new CatalogFetcher(http, _ => { }) { MaxParallelRequests = 3 }.FetchAsync([source], "8.7", _dir.Combine("bad")));
        Assert.Equal(code, error.Code);
    }
}
