using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PkgBuild.Pipeline.Archive;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Git;
using PkgBuild.Testing.Http;

namespace PkgBuild.Pipeline.Tests.Archive;

/// <summary>
/// A remote catalog may not make the build fetch from this machine's own services: real listeners on
/// loopback, each counting connections, must see none from a remote catalog's entries, however the
/// entry names them (address, localhost, IPv6, 0.0.0.0, a name that resolves there, a redirect).
/// </summary>
public sealed class SourceHostPolicyTests : IDisposable
{
    private static readonly HttpRetryPolicy Quick = new() { FirstDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 };
    private static readonly string Commit = new('a', 40);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Names that resolve to loopback here without touching the machine's configuration.</summary>
    private static Task<IPAddress[]> Resolve(string host, CancellationToken cancellationToken) =>
        host is "rebound.test" or "front.test" or "pinned.test" ? Task.FromResult(new[] { IPAddress.Loopback }) : Dns.GetHostAddressesAsync(host, cancellationToken);

    private static CatalogEntry Entry(string name, string source, string checksum) =>
        CatalogEntry.FromDatum(name, DatumReader.ReadSingle($"#hash((source . \"{source}\") (checksum . \"{checksum}\"))"));

    private PackageArchiver RemoteArchiver(IReadOnlyList<string> names, IEnumerable<string>? allowed = null, IEnumerable<string>? catalogEndpoints = null) =>
        new(_dir.Combine("site"), _dir.Combine("archive-state"))
        {
            MaxParallel = 2,
            RemoteEntries = new RemoteCatalogEntries { Names = names },
            SourcePolicy = new SourceHostPolicy(allowed ?? [], catalogEndpoints, Resolve),
        };

    [Theory]
    [InlineData("http://127.0.0.1:{port}/x.zip", "127.0.0.1")]
    [InlineData("git://127.0.0.1:{port}/repo", "127.0.0.1")]
    [InlineData("http://127.0.0.1:{port}/repo.git", "127.0.0.1")]
    [InlineData("http://localhost:{port}/x.zip", "localhost")]
    [InlineData("git://localhost:{port}/repo", "localhost")]
    [InlineData("http://[::1]:{port}/x.zip", "::1")]
    [InlineData("http://0.0.0.0:{port}/x.zip", "0.0.0.0")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/x.zip", "127.0.0.1")]
    [InlineData("http://rebound.test:{port}/x.zip", "127.0.0.1")]
    [InlineData("git://rebound.test:{port}/repo", "127.0.0.1")]
    [InlineData("https://rebound.test:{port}/repo.git", "127.0.0.1")]
    public async Task A_remote_entry_reaching_loopback_is_refused_before_any_connection(string template, string address)
    {
        using var listener = new CountingListener(template.Contains("[::1]") ? IPAddress.IPv6Loopback : IPAddress.Loopback);
        var source = template.Replace("{port}", listener.Port.ToString(), StringComparison.Ordinal);
        using var archiver = RemoteArchiver(["evil"]);

        var outcome = Assert.Single(await archiver.ArchiveAsync(new PackageCatalog([Entry("evil", source, Commit)])));

        Assert.Equal(0, listener.Connections);
        Assert.NotNull(outcome.Refused);
        Assert.Equal(address, outcome.Refused.Address);
        Assert.False(File.Exists(_dir.Combine("site", "pkgs", "evil.zip")));
        Assert.Empty(DirectoryCatalog.Read(_dir.Combine("site", "catalog")).Names);
        var warning = SourceHostPolicy.Warning("evil", source, outcome.Refused, SourceLocation.None);
        Assert.Equal(ErrorCodes.RemoteCatalogPrivateSource, warning.Code);
        Assert.Contains("'evil'", warning.Message);
        Assert.Contains(address, warning.Message);
    }

    [Fact]
    public async Task An_address_of_a_local_interface_is_refused_too()
    {
        var own = NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.NotNull(own); // a machine with a network has one
        using var listener = new CountingListener(IPAddress.Any);
        using var archiver = RemoteArchiver(["evil"]);

        var outcome = Assert.Single(await archiver.ArchiveAsync(new PackageCatalog([Entry("evil", $"http://{own}:{listener.Port}/x.zip", Commit)])));

        Assert.Equal(0, listener.Connections);
        Assert.Equal((own.ToString(), "an address of this machine"), (outcome.Refused?.Address, outcome.Refused?.Reason));
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_host_to_loopback_is_refused_at_the_redirect()
    {
        using var target = new LoopbackHttpServer(_ => TestHttpResponse.Ok("secret"));
        using var front = new LoopbackHttpServer(_ => new TestHttpResponse(302, "",
            new Dictionary<string, string> { ["Location"] = $"http://127.0.0.1:{target.Port}/x.zip" }));
        using var archiver = RemoteArchiver(["evil"], allowed: ["front.test"]);

        var outcome = Assert.Single(await archiver.ArchiveAsync(new PackageCatalog([Entry("evil", $"http://front.test:{front.Port}/x.zip", "")])));

        Assert.Single(front.Requests); // the allowed host was asked
        Assert.Empty(target.Requests);
        Assert.Equal("127.0.0.1", outcome.Refused?.Address);
        Assert.False(File.Exists(_dir.Combine("site", "pkgs", "evil.zip")));
    }

    [Fact]
    public async Task An_http_catalog_on_loopback_cannot_name_sources_on_loopback_but_its_own_server_serves_its_relative_ones()
    {
        using var files = new LoopbackHttpServer(_ => TestHttpResponse.Ok("zip bytes"));
        using var git = new CountingListener(IPAddress.Loopback);
        using var v6 = new CountingListener(IPAddress.IPv6Loopback);
        var entries = new Dictionary<string, string>
        {
            ["by-address"] = $"http://127.0.0.1:{files.Port}/x.zip",
            ["git-by-address"] = $"git://127.0.0.1:{git.Port}/repo",
            ["by-localhost"] = $"http://localhost:{files.Port}/x.zip",
            ["by-ipv6"] = $"http://[::1]:{v6.Port}/x.zip",
            ["by-zero"] = $"http://0.0.0.0:{files.Port}/x.zip",
            ["metadata"] = "http://169.254.169.254/latest/meta-data.zip",
            ["by-name"] = $"http://rebound.test:{files.Port}/x.zip",
            ["git-by-name"] = $"git://rebound.test:{git.Port}/repo",
            ["own"] = "../pkgs/own.zip",
        };
        var pkgsAll = "#hash(" + string.Concat(entries.Select(e => $"(\"{e.Key}\" . #hash((source . \"{e.Value}\") (checksum . \"{(e.Key == "own" ? "" : Commit)}\")))")) + ")";
        using var catalog = new LoopbackHttpServer(request => request.PathAndQuery.StartsWith("/pkgs-all", StringComparison.Ordinal)
            ? TestHttpResponse.Ok(pkgsAll)
            : request.PathAndQuery == "/pkgs/own.zip" ? TestHttpResponse.Ok("own zip") : new TestHttpResponse(404));
        var warnings = new List<PkgBuildException>();
        using var http = new CatalogHttpClient(Quick);

        var copy = await CatalogCopier.CopyAsync(http, [catalog.BaseUrl.AbsoluteUri], _dir.Combine("copy"), "8.7", warnings.Add, 3);
        using var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state"))
        {
            MaxParallel = 2,
            RemoteEntries = copy.Remote,
            SourcePolicy = new SourceHostPolicy([], copy.Remote.CatalogEndpoints, Resolve),
        };
        var outcomes = await archiver.ArchiveAsync(copy.Catalog);

        // What the text shows is left out of the copy; names are refused when the archive would connect.
        var expected = new Dictionary<string, string>
        {
            ["by-address"] = "127.0.0.1", ["git-by-address"] = "127.0.0.1", ["by-localhost"] = "localhost", ["by-ipv6"] = "::1",
            ["by-zero"] = "0.0.0.0", ["metadata"] = "169.254.169.254",
        };
        Assert.Equal(expected.Keys.Order(), warnings.Select(w => w.Message.Split('\'')[1]).Order());
        Assert.All(warnings, w =>
        {
            Assert.Equal(ErrorCodes.RemoteCatalogPrivateSource, w.Code);
            Assert.Contains($"{expected[w.Message.Split('\'')[1]]}", w.Message);
            Assert.StartsWith(catalog.BaseUrl.AbsoluteUri, w.Location.File);
        });
        Assert.Equal(["by-name", "git-by-name", "own"], copy.Catalog.Names);
        Assert.Equal(["by-name", "git-by-name", "own"], copy.Remote.Names);
        Assert.Equal([$"127.0.0.1:{catalog.Port}"], copy.Remote.CatalogEndpoints);
        Assert.Equal(("by-name", "127.0.0.1"), outcomes.Where(o => o.Package == "by-name").Select(o => (o.Package, o.Refused?.Address)).Single());
        Assert.Equal("127.0.0.1", outcomes.Single(o => o.Package == "git-by-name").Refused?.Address);
        Assert.True(outcomes.Single(o => o.Package == "own").Succeeded);
        Assert.Equal(["own"], DirectoryCatalog.Read(_dir.Combine("site", "catalog")).Names);
        Assert.Empty(files.Requests);
        Assert.Equal(0, git.Connections);
        Assert.Equal(0, v6.Connections);
    }

    [Fact]
    public async Task PkgBuildAllowedSourceHosts_lets_a_remote_catalog_name_a_host_on_purpose()
    {
        using var files = new LoopbackHttpServer(_ => TestHttpResponse.Ok("zip bytes"));
        var pkgsAll = $"#hash((\"mine\" . #hash((source . \"http://localhost:{files.Port}/mine.zip\") (checksum . \"\"))))";
        using var catalog = new LoopbackHttpServer(request => request.PathAndQuery.StartsWith("/pkgs-all", StringComparison.Ordinal)
            ? TestHttpResponse.Ok(pkgsAll) : new TestHttpResponse(404));
        var warnings = new List<PkgBuildException>();
        using var http = new CatalogHttpClient(Quick);

        var copy = await CatalogCopier.CopyAsync(http, [catalog.BaseUrl.AbsoluteUri], _dir.Combine("copy"), "8.7", warnings.Add, 4, allowedSourceHosts: ["LocalHost"]);
        using var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state"))
        {
            MaxParallel = 2,
            RemoteEntries = copy.Remote,
            SourcePolicy = SourceHostPolicy.FromProperty(" ;LocalHost", copy.Remote.CatalogEndpoints),
        };
        var outcome = Assert.Single(await archiver.ArchiveAsync(copy.Catalog));

        Assert.Empty(warnings);
        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.Equal(["/mine.zip"], files.Requests);
    }

    [Fact]
    public async Task A_directory_catalog_naming_a_loopback_git_daemon_still_archives()
    {
        var repos = new OverrideRepositories(_dir.Path);
        using var _ = repos;
        using var http = new CatalogHttpClient(Quick);
        var warnings = new List<PkgBuildException>();

        var copy = await CatalogCopier.CopyAsync(http, [repos.CatalogDirectory], _dir.Combine("copy"), "8.7", warnings.Add, 3);
        using var archiver = new PackageArchiver(_dir.Combine("site"), _dir.Combine("archive-state"))
        {
            MaxParallel = 2,
            RemoteEntries = copy.Remote,
            SourcePolicy = new SourceHostPolicy([], copy.Remote.CatalogEndpoints, Resolve),
        };
        var outcomes = await archiver.ArchiveAsync(copy.Catalog);

        Assert.Empty(warnings);
        Assert.Empty(copy.Remote.Names);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Failure));
        Assert.Equal(["other-lib", "tr-lib", "tr-more"], DirectoryCatalog.Read(_dir.Combine("site", "catalog")).Names);
    }

    [Fact]
    public async Task A_checked_git_http_source_is_fetched_from_the_address_that_was_checked()
    {
        // pinned.test resolves only through the policy's resolver: git reaches the server only if it is pinned.
        using var server = new LoopbackHttpServer(_ => new TestHttpResponse(404));
        using var archiver = RemoteArchiver(["mine"], allowed: ["127.0.0.1"]);

        var outcome = Assert.Single(await archiver.ArchiveAsync(new PackageCatalog([Entry("mine", $"http://pinned.test:{server.Port}/repo.git", Commit)])));

        Assert.Null(outcome.Refused);
        Assert.False(outcome.Succeeded);
        Assert.NotEmpty(server.Requests);
        Assert.All(server.Requests, r => Assert.StartsWith("/repo.git/", r));
    }

    [Theory]
    [InlineData("http://127.0.0.1/x.zip", "loopback")]
    [InlineData("http://127.255.0.9/x.zip", "loopback")]
    [InlineData("http://0.1.2.3/x.zip", "unspecified")]
    [InlineData("http://[::]/x.zip", "unspecified")]
    [InlineData("http://169.254.169.254/x.zip", "link-local")]
    [InlineData("http://[fe80::1]/x.zip", "link-local")]
    [InlineData("http://[::ffff:169.254.1.1]/x.zip", "link-local")]
    [InlineData("git://app.localhost/repo", "loopback")]
    [InlineData("http://localhost./x.zip", "loopback")]
    [InlineData("http://192.0.2.200/x.zip", "an address of this machine")]
    [InlineData("http://192.0.2.201/x.zip", null)]
    [InlineData("https://pkgs.racket-lang.org/x.zip", null)]
    public void The_text_check_knows_this_machine_and_link_local_addresses(string url, string? reason)
    {
        var policy = new SourceHostPolicy([], localAddresses: () => [IPAddress.Parse("192.0.2.200")]);

        Assert.Equal(reason, policy.RefusalByText(new Uri(url))?.Reason);
    }

    [Fact]
    public void An_allowed_address_allows_that_address_only_and_a_catalog_endpoint_its_port_only()
    {
        var policy = new SourceHostPolicy(["[::1]", "10.0.0.1"], ["127.0.0.1:8000"]);

        Assert.Null(policy.RefusalByText(new Uri("http://[::1]:9/x.zip")));
        Assert.Null(policy.RefusalByText(new Uri("http://127.0.0.1:8000/x.zip")));
        Assert.NotNull(policy.RefusalByText(new Uri("http://127.0.0.1:8001/x.zip")));
        Assert.NotNull(policy.RefusalByText(new Uri("http://[::ffff:127.0.0.1]:22/x.zip")));
    }

    /// <summary>A TCP listener that only counts the connections it accepts, for protocols without a test server.</summary>
    private sealed class CountingListener : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public CountingListener(IPAddress address)
        {
            _listener = new TcpListener(address, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                        Interlocked.Increment(ref _connections);
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public int Port { get; }

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
