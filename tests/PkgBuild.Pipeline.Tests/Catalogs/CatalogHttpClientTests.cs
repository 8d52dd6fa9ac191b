using System.Net;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing.Http;

namespace PkgBuild.Pipeline.Tests.Catalogs;

public sealed class CatalogHttpClientTests
{
    private static readonly HttpRetryPolicy Fast = new()
    {
        MaxAttempts = 3,
        FirstDelay = TimeSpan.FromMilliseconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(10), // a loopback answer, but on a loaded CI machine; the hung-server test sets its own
    };

    [Fact]
    public async Task Retries_server_errors_and_returns_the_body_and_its_validators()
    {
        var calls = 0;
        using var server = new LoopbackHttpServer(_ =>
            Interlocked.Increment(ref calls) < 3
                ? new TestHttpResponse(503, "busy")
                : TestHttpResponse.Ok("(\"a\" \"b\")", etag: "\"v1\""));
        var log = new List<string>();
        using var client = new CatalogHttpClient(Fast, log.Add);

        var result = await client.GetAsync(CatalogUrl.Pkgs(server.BaseUrl, "8.7"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("(\"a\" \"b\")", System.Text.Encoding.UTF8.GetString(result.Body!));
        Assert.Equal("\"v1\"", result.ETag);
        Assert.Equal(3, calls);
        Assert.Equal(2, log.Count);
        Assert.All(server.Requests, r => Assert.Equal("/pkgs?version=8.7", r));
    }

    [Fact]
    public async Task Gives_up_after_the_last_attempt_with_PKB0203()
    {
        using var server = new LoopbackHttpServer(_ => new TestHttpResponse(500, "boom"));
        using var client = new CatalogHttpClient(Fast);

        var error = await Assert.ThrowsAsync<PkgBuildException>(() => client.GetAsync(CatalogUrl.PkgsAll(server.BaseUrl, null)));

        Assert.Equal(ErrorCodes.CatalogRetriesExhausted, error.Code);
        Assert.Contains("500", error.Message);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Treats_a_hung_server_as_a_timeout_and_retries()
    {
        using var server = new LoopbackHttpServer(async (_, stop) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stop);
            return TestHttpResponse.Ok("late");
        });
        var log = new List<string>();
        using var client = new CatalogHttpClient(Fast with { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(300) }, log.Add);

        var error = await Assert.ThrowsAsync<PkgBuildException>(() => client.GetAsync(CatalogUrl.Pkgs(server.BaseUrl, null)));

        Assert.Equal(ErrorCodes.CatalogRetriesExhausted, error.Code);
        Assert.Contains("failed 2 times", error.Message);
        Assert.Contains("no complete answer", error.Message);
        Assert.Contains("no complete answer", Assert.Single(log));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(410)]
    public async Task Reports_not_found_as_a_result_without_retrying(int status)
    {
        using var server = new LoopbackHttpServer(_ => new TestHttpResponse(status));
        using var client = new CatalogHttpClient(Fast);

        var result = await client.GetAsync(CatalogUrl.Pkg(server.BaseUrl, "typed-racket-lib", "8.7"));

        Assert.True(result.NotFound);
        Assert.Null(result.Body);
        Assert.Equal(["/pkg/typed-racket-lib?version=8.7"], server.Requests);
    }

    [Fact]
    public async Task Sends_the_recorded_ETag_and_reports_not_modified()
    {
        using var server = new LoopbackHttpServer(request =>
            request.Header("If-None-Match") == "\"v1\""
                ? new TestHttpResponse(304)
                : TestHttpResponse.Ok("()", etag: "\"v1\""));
        using var client = new CatalogHttpClient(Fast);

        var first = await client.GetAsync(CatalogUrl.Pkgs(server.BaseUrl, null));
        var second = await client.GetAsync(CatalogUrl.Pkgs(server.BaseUrl, null), first.ETag);

        Assert.False(first.NotModified);
        Assert.True(second.NotModified);
    }

    [Fact]
    public async Task A_refused_connection_is_PKB0201_at_once()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var client = new CatalogHttpClient(Fast);

        var error = await Assert.ThrowsAsync<PkgBuildException>(() => client.GetAsync(new Uri($"http://127.0.0.1:{port}/pkgs")));

        Assert.Equal(ErrorCodes.CatalogUnreachable, error.Code);
    }

    [Theory]
    [InlineData("https://pkgs.example.org/catalog", true, "https://pkgs.example.org/catalog/")]
    [InlineData("https://pkgs.example.org/", false, "https://pkgs.example.org/")]
    [InlineData("http://127.0.0.1:8000", false, "http://127.0.0.1:8000/")]
    public void Adds_the_trailing_slash_Racket_needs_and_says_so(string text, bool added, string expected)
    {
        var url = CatalogUrl.ParseBase(text, out var slashAdded);

        Assert.Equal(expected, url.ToString());
        Assert.Equal(added, slashAdded);
        Assert.Equal(expected + "pkg/p?version=8.7", CatalogUrl.Pkg(url, "p", "8.7").ToString());
    }
}
