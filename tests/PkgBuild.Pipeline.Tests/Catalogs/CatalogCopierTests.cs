using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Http;
using PkgBuild.Testing.Racket;
using Xunit;

namespace PkgBuild.Pipeline.Tests.Catalogs;

/// <summary>Our copy against the real <c>raco pkg catalog-copy</c> of the same sources, file for file.</summary>
public class CatalogCopierTests
{
    private static readonly HttpRetryPolicy Quick = new() { FirstDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 };

    [Fact]
    public async Task A_directory_catalog_is_copied_as_raco_copies_it()
    {
        using var dir = new TempDirectory();
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), "10");
        RacketRunner.Raco("pkg", "catalog-copy", dir.Combine("source"), dir.Combine("raco"));
        var warnings = new List<string>();
        using var http = new CatalogHttpClient(Quick);
        await CatalogCopier.CopyAsync(http, [dir.Combine("source")], dir.Combine("ours"), "8.7", w => warnings.Add(w.Message), 3);

        AssertSameCatalogFiles(dir.Combine("raco"), dir.Combine("ours"));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_http_catalog_is_copied_with_pkgs_all_or_else_pkg_by_pkg(bool servePkgsAll)
    {
        using var dir = new TempDirectory();
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), "10");
        RacketRunner.Raco("pkg", "catalog-copy", dir.Combine("source"), dir.Combine("served"));
        // A remote catalog's own packages have relative (or remote) sources: the directory copy made them
        // file:// URLs of this machine, which a remote catalog may not give (PKB0208), so they go back to relative.
        foreach (var file in Directory.GetFiles(dir.Combine("served"), "*", SearchOption.AllDirectories))
        {
            File.WriteAllText(file, File.ReadAllText(file)
                .Replace(new Uri(dir.Combine("pkgs") + "/").AbsoluteUri, "../pkgs/", StringComparison.Ordinal));
        }
        var hidePkgsAll = false; // raco cannot copy an HTTP catalog without pkgs-all: it copies first, with it
        using var server = new LoopbackHttpServer(request =>
        {
            var path = Uri.UnescapeDataString(request.PathAndQuery.Split('?')[0]);
            var file = path.StartsWith("/catalog/", StringComparison.Ordinal) ? Path.Combine(dir.Combine("served"), path["/catalog/".Length..]) : "";
            return (path == "/catalog/pkgs-all" && hidePkgsAll) || !File.Exists(file)
                ? new TestHttpResponse(404)
                : TestHttpResponse.Ok(File.ReadAllText(file));
        });
        // The peer: raco pkg catalog-copy of the same served catalog.
        RacketRunner.Raco("pkg", "catalog-copy", "--version", "8.7", server.BaseUrl + "catalog/", dir.Combine("raco"));
        var racoRequests = server.Requests.Count;
        hidePkgsAll = !servePkgsAll;
        var warnings = new List<string>();
        using var http = new CatalogHttpClient(Quick);
        var source = server.BaseUrl + "catalog"; // no trailing '/': fixed, with a warning
        await CatalogCopier.CopyAsync(http, [source], dir.Combine("ours"), "8.7", w => warnings.Add(w.Message), 3);

        AssertSameCatalogFiles(dir.Combine("raco"), dir.Combine("ours"));
        Assert.Contains(warnings, w => w.Contains("no trailing '/'", StringComparison.Ordinal));
        Assert.Equal(servePkgsAll ? 1 : 12, server.Requests.Count - racoRequests);
        Assert.All(server.Requests.Skip(racoRequests), r => Assert.Contains("version=8.7", r));
    }

    [Fact]
    public async Task A_failed_copy_leaves_the_previous_copy_in_place()
    {
        using var dir = new TempDirectory();
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), "3");
        using var http = new CatalogHttpClient(Quick);
        await CatalogCopier.CopyAsync(http, [dir.Combine("source")], dir.Combine("ours"), "8.7", _ => { }, 3);
        var before = File.ReadAllText(dir.Combine("ours", "pkgs-all"));

        File.WriteAllText(dir.Combine("source", "pkg", "pkg-2"), "#hash((source . \"x\")");
        var error = await Assert.ThrowsAsync<PkgBuildException>(() => CatalogCopier.CopyAsync(http, [dir.Combine("source")], dir.Combine("ours"), "8.7", _ => { }, 3));
        Assert.Equal(ErrorCodes.DataUnexpectedEnd, error.Code);
        Assert.EndsWith(Path.Combine("pkg", "pkg-2"), error.Location.File);
        Assert.Equal(before, File.ReadAllText(dir.Combine("ours", "pkgs-all")));
    }

    [Fact]
    public async Task Every_malformed_entry_of_every_source_is_reported_at_once_and_the_previous_copy_kept()
    {
        using var dir = new TempDirectory();
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("first"), "3");
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("second"), "3");
        using var http = new CatalogHttpClient(Quick);
        await CatalogCopier.CopyAsync(http, [dir.Combine("first"), dir.Combine("second")], dir.Combine("ours"), "8.7", _ => { }, 3);
        var before = File.ReadAllText(dir.Combine("ours", "pkgs-all"));

        File.WriteAllText(dir.Combine("first", "pkg", "pkg-0"), "#hash((source . \"x\")");
        File.WriteAllText(dir.Combine("first", "pkg", "pkg-2"), "#hash((source . 1))");
        File.WriteAllText(dir.Combine("second", "pkg", "pkg-1_x"), "(source . \"x\")");
        var error = await Assert.ThrowsAsync<PkgBuildAggregateException>(
            () => CatalogCopier.CopyAsync(http, [dir.Combine("first"), dir.Combine("second")], dir.Combine("ours"), "8.7", _ => { }, 3));

        // In precedence order of the sources, and file order within each.
        Assert.Equal(
            [
                (ErrorCodes.DataUnexpectedEnd, dir.Combine("first", "pkg", "pkg-0"), 1, 1),
                (ErrorCodes.DataUnexpectedShape, dir.Combine("first", "pkg", "pkg-2"), 1, 17),
                (ErrorCodes.DataUnexpectedShape, dir.Combine("second", "pkg", "pkg-1_x"), 1, 1),
            ],
            error.Errors.Select(e => (e.Code, e.Location.File, e.Location.Line, e.Location.Column)));
        Assert.Equal(before, File.ReadAllText(dir.Combine("ours", "pkgs-all")));
    }

    [Fact]
    public async Task Every_malformed_entry_of_a_catalog_fetched_pkg_by_pkg_is_reported_in_the_order_of_pkgs()
    {
        using var server = new LoopbackHttpServer(request => request.PathAndQuery.Split('?')[0] switch
        {
            "/pkgs" => TestHttpResponse.Ok("(\"a\" \"b\" \"c\" \"d\")"),
            "/pkg/a" => TestHttpResponse.Ok("#hash((source . 1))"),
            "/pkg/b" => TestHttpResponse.Ok("#hash((source . \"../b.zip\") (checksum . \"\"))"),
            "/pkg/c" => TestHttpResponse.Ok("#hash((source"),
            "/pkg/d" => TestHttpResponse.Ok("\n  #hash((checksum . 1))"),
            _ => new TestHttpResponse(404),
        });
        using var dir = new TempDirectory();
        using var http = new CatalogHttpClient(Quick);

        var error = await Assert.ThrowsAsync<PkgBuildAggregateException>(
            () => CatalogCopier.CopyAsync(http, [server.BaseUrl.AbsoluteUri], dir.Combine("ours"), "8.7", _ => { }, 3));

        Assert.Equal(
            [
                (ErrorCodes.DataUnexpectedShape, "pkg/a", 1, 17),
                (ErrorCodes.DataUnexpectedEnd, "pkg/c", 1, 7),
                (ErrorCodes.DataUnexpectedShape, "pkg/d", 2, 21),
            ],
            error.Errors.Select(e => (e.Code, new Uri(e.Location.File!).AbsolutePath.TrimStart('/'), e.Location.Line, e.Location.Column)));
        Assert.False(Directory.Exists(dir.Combine("ours")));
    }

    [Fact]
    public async Task Entries_with_invalid_names_are_skipped_with_a_warning_that_names_them()
    {
        using var dir = new TempDirectory();
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), "2");
        File.Copy(dir.Combine("source", "pkg", "pkg-0"), dir.Combine("source", "pkg", "bad name!"));
        var warnings = new List<PkgBuildException>();
        using var http = new CatalogHttpClient(Quick);

        var result = await CatalogCopier.CopyAsync(http, [dir.Combine("source")], dir.Combine("ours"), "8.7", warnings.Add, 3);

        var warning = Assert.Single(warnings);
        Assert.Equal(ErrorCodes.InvalidPackageNameSkipped, warning.Code);
        Assert.Contains("bad name!", warning.Message);
        Assert.Equal(["pkg-0", "pkg-1_x"], result.Catalog.Names);
        Assert.False(File.Exists(dir.Combine("ours", "pkg", "bad name!")));
    }

    [Theory]
    [InlineData("file:///root/.ssh")]
    [InlineData("/etc/apt")]
    [InlineData("file:///etc/passwd.zip")]
    public async Task A_remote_catalog_may_not_name_a_source_on_this_machine(string local)
    {
        // The entry would make the build archive, serve and hand to every guest this machine's own files.
        var pkgsAll = $"#hash((\"evil\" . #hash((source . \"{local}\") (checksum . \"\"))) (\"fine\" . #hash((source . \"../pkgs/fine.zip\") (checksum . \"abc\"))))";
        using var server = new LoopbackHttpServer(request => request.PathAndQuery.StartsWith("/pkgs-all", StringComparison.Ordinal)
            ? TestHttpResponse.Ok(pkgsAll) : new TestHttpResponse(404));
        using var dir = new TempDirectory();
        var warnings = new List<PkgBuildException>();
        using var http = new CatalogHttpClient(Quick);

        var result = await CatalogCopier.CopyAsync(http, [server.BaseUrl.AbsoluteUri], dir.Combine("ours"), "8.7", warnings.Add, 3);

        var warning = Assert.Single(warnings);
        Assert.Equal(ErrorCodes.RemoteCatalogLocalSource, warning.Code);
        Assert.Contains("'evil'", warning.Message);
        Assert.Equal(["fine"], result.Catalog.Names);
        Assert.StartsWith("http://127.0.0.1:", result.Catalog["fine"]!.Source); // relative sources of a remote catalog stay remote
    }

    [Fact]
    public async Task A_malformed_pkgs_all_is_reported_at_its_url_line_and_column()
    {
        using var server = new LoopbackHttpServer(request => request.PathAndQuery.StartsWith("/pkgs-all", StringComparison.Ordinal)
            ? TestHttpResponse.Ok("#hash((\"p\" . #hash((source . \"x\") (checksum . \"\")))\n       (\"q\" . #hash((source . 12))))")
            : new TestHttpResponse(404));
        using var dir = new TempDirectory();
        using var http = new CatalogHttpClient(Quick);

        var error = await Assert.ThrowsAsync<PkgBuildException>(() => CatalogCopier.CopyAsync(http, [server.BaseUrl.AbsoluteUri], dir.Combine("ours"), "8.7", _ => { }, 3));

        Assert.Equal(ErrorCodes.DataUnexpectedShape, error.Code);
        Assert.StartsWith(server.BaseUrl + "pkgs-all", error.Location.File);
        Assert.Equal((2, 31), (error.Location.Line, error.Location.Column));
        Assert.False(Directory.Exists(dir.Combine("ours")));
    }

    [Fact]
    public async Task A_server_with_neither_pkgs_all_nor_pkgs_is_not_a_catalog()
    {
        using var server = new LoopbackHttpServer(_ => new TestHttpResponse(404));
        using var dir = new TempDirectory();
        using var http = new CatalogHttpClient(Quick);

        var error = await Assert.ThrowsAsync<PkgBuildException>(() => CatalogCopier.CopyAsync(http, [server.BaseUrl.AbsoluteUri], dir.Combine("ours"), "8.7", _ => { }, 3));

        Assert.Equal(ErrorCodes.NotACatalog, error.Code);
        Assert.Equal(server.BaseUrl.AbsoluteUri, error.Location.File);
    }

    private static void AssertSameCatalogFiles(string expected, string actual)
    {
        var names = Directory.GetFiles(Path.Combine(expected, "pkg")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, Directory.GetFiles(Path.Combine(actual, "pkg")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in names)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(expected, "pkg", name!)), File.ReadAllText(Path.Combine(actual, "pkg", name!)));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(expected, "pkgs-all")), File.ReadAllText(Path.Combine(actual, "pkgs-all")));
    }
}
