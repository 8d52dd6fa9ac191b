using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Installers;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Installers;
using PkgBuild.Testing;
using PkgBuild.Testing.Http;

namespace PkgBuild.Pipeline.Tests.Installers;

/// <summary>
/// Installers from a snapshot site served on 127.0.0.1. The table is in table.rktd's real format; the
/// installer files are STAND-INS (a few bytes each): a real one is hundreds of megabytes.
/// </summary>
public sealed class InstallerFetcherTests : IDisposable
{
    private const string Linux = "{1} Racket | {3} Linux | {1} 64-bit x86_64; built on Debian 10";
    private const string Table = """
        #hash(("{1} Racket | {3} Linux | {1} 64-bit x86_64; built on Debian 10" . "racket-8.7-x86_64-linux-cs.sh")
              ("{1} Racket | {3} Linux | {3} 64-bit AArch64; built on Debian 10" . "racket-8.7-aarch64-linux-cs.sh")
              ("{1} Racket | {1} Windows | {1} x64 (64-bit x86)" . "racket-8.7-x86_64-win32-cs.exe"))
        """;

    private static readonly HttpRetryPolicy Quick = new() { FirstDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 };
    private readonly TempDirectory _dir = new();
    private readonly LoopbackHttpServer _snapshot;
    private int _installerDownloads;

    public InstallerFetcherTests()
    {
        _snapshot = new LoopbackHttpServer(request =>
        {
            var path = request.PathAndQuery.Split('?')[0];
            if (path == "/snapshot/installers/table.rktd")
            {
                return TestHttpResponse.Ok(Table);
            }
            if (path == "/snapshot/installers/racket-8.7-x86_64-linux-cs.sh")
            {
                if (request.Header("If-None-Match") == "\"v1\"")
                {
                    return new TestHttpResponse(304);
                }
                Interlocked.Increment(ref _installerDownloads);
                return TestHttpResponse.Ok("#!/bin/sh\necho stand-in installer\n", "\"v1\"");
            }
            return new TestHttpResponse(404);
        });
    }

    public void Dispose()
    {
        _snapshot.Dispose();
        _dir.Dispose();
    }

    private InstallerFetcher Fetcher(CatalogHttpClient http) => new(http, _dir.Combine("site"), _dir.Combine("state"));

    [Fact]
    public async Task The_platforms_installer_is_fetched_once_and_then_only_asked_about()
    {
        using var http = new CatalogHttpClient(Quick);
        var first = await Fetcher(http).FromSnapshotAsync(_snapshot.BaseUrl + "snapshot", Linux);
        var second = await Fetcher(http).FromSnapshotAsync(_snapshot.BaseUrl + "snapshot/", Linux);

        Assert.Equal(_dir.Combine("site", "installers", "racket-8.7-x86_64-linux-cs.sh"), first);
        Assert.Equal(first, second);
        Assert.Equal("#!/bin/sh\necho stand-in installer\n", File.ReadAllText(first));
        Assert.Equal(1, _installerDownloads);
        Assert.True(File.Exists(_dir.Combine("site", "installers", "table.rktd")));
    }

    [Fact]
    public async Task A_platform_the_table_lacks_lists_the_names_it_has_closest_first()
    {
        using var http = new CatalogHttpClient(Quick);
        var error = await Assert.ThrowsAsync<PkgBuildException>(() =>
            Fetcher(http).FromSnapshotAsync(_snapshot.BaseUrl + "snapshot/", "{1} Racket | {3} Linux | {1} 64-bit x86_64; built on Ubuntu"));

        Assert.Equal(ErrorCodes.InstallerPlatformNotFound, error.Code);
        Assert.Contains($"one of: \"{Linux}\"", error.Message); // the closest comes first
        Assert.Contains("Windows", error.Message);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData(".hidden")]
    public void A_table_naming_anything_but_a_plain_file_is_refused(string file)
    {
        var table = DatumReader.ReadSingle($"#hash((\"p\" . \"{file}\"))");
        Assert.Equal(ErrorCodes.InstallerInvalid, Assert.Throws<PkgBuildException>(() => InstallerTable.Parse(table, "table.rktd")).Code);
    }

    [Fact]
    public async Task A_given_installer_file_is_copied_into_the_site()
    {
        File.WriteAllText(_dir.Combine("racket-local.sh"), "#!/bin/sh\n");
        using var http = new CatalogHttpClient(Quick);

        var path = await Fetcher(http).FromInstallerAsync(_dir.Combine("racket-local.sh"));

        Assert.Equal("#!/bin/sh\n", File.ReadAllText(path));
        Assert.Equal(ErrorCodes.InstallerInvalid, (await Assert.ThrowsAsync<PkgBuildException>(() => Fetcher(http).FromInstallerAsync(_dir.Combine("missing.sh")))).Code);
    }
}
