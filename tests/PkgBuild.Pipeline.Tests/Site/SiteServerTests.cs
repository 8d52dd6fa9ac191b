using System.Net;
using System.Net.Sockets;
using System.Text;
using PkgBuild.Pipeline.Site;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;

namespace PkgBuild.Pipeline.Tests.Site;

/// <summary>The site server against real clients: curl, raw sockets, and raco installing from it.</summary>
public sealed class SiteServerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SiteServer _server;

    public SiteServerTests()
    {
        Directory.CreateDirectory(_dir.Combine("site", "catalog", "pkg"));
        File.WriteAllText(_dir.Combine("site", "hello.txt"), "hello, guest");
        File.WriteAllText(_dir.Combine("secret.txt"), "outside the root");
        _server = SiteServer.Start(_dir.Combine("site"), IPAddress.Loopback, 0);
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private ProcessResult Curl(params string[] arguments) => ProcessRunner.Run("curl", ["-sS", "--path-as-is", "-o", "-", "-w", "\n%{http_code}", .. arguments]);

    private static string Status(ProcessResult result) => result.Output.TrimEnd('\n').Split('\n')[^1];

    [Fact]
    public void Get_and_head_answer_with_the_exact_length()
    {
        var get = Curl(_server.Url + "hello.txt");
        Assert.Equal("hello, guest\n200", get.Output.TrimEnd('\n'));

        var head = ProcessRunner.Run("curl", ["-sS", "-I", _server.Url + "hello.txt"]);
        Assert.Contains("HTTP/1.1 200 OK", head.Output);
        Assert.Contains("Content-Length: 12", head.Output);
    }

    [Theory]
    [InlineData("/../secret.txt")]
    [InlineData("/%2e%2e/secret.txt")]
    [InlineData("/%2E%2E%2Fsecret.txt")]
    [InlineData("/catalog/../../secret.txt")]
    [InlineData("/..%2fsecret.txt")]
    [InlineData("/%2fetc%2fpasswd")]
    [InlineData("//etc/passwd")]
    [InlineData("/hello.txt%00")]
    [InlineData("/.\\..\\secret.txt")]
    [InlineData("/")]
    [InlineData("/catalog/")]
    [InlineData("/catalog")]
    [InlineData("/link-out")]
    [InlineData("/dir-link/secret.txt")]
    [InlineData("/%252e%252e/secret.txt")]          // encoded twice
    [InlineData("/%c0%ae%c0%ae/secret.txt")]        // overlong UTF-8 for '.'
    [InlineData("/%e0%80%ae%e0%80%ae/secret.txt")]  // overlong, three bytes
    [InlineData("/..%5csecret.txt")]                // encoded backslash
    [InlineData("/catalog/%2e%2e/%2e%2e/secret.txt")]
    [InlineData("/%2e%2e%2f%2e%2e%2fsecret.txt")]
    public void Nothing_outside_the_root_and_no_listings(string path)
    {
        File.CreateSymbolicLink(_dir.Combine("site", "link-out"), _dir.Combine("secret.txt"));
        Directory.CreateSymbolicLink(_dir.Combine("site", "dir-link"), _dir.Path);

        var result = Curl(_server.Url.GetLeftPart(UriPartial.Authority) + path);

        Assert.Equal("404", Status(result));
        Assert.DoesNotContain("outside the root", result.Output);
        Assert.DoesNotContain("root:", result.Output);
    }

    [Fact]
    public void A_link_that_stays_inside_the_root_is_served()
    {
        File.CreateSymbolicLink(_dir.Combine("site", "alias.txt"), _dir.Combine("site", "hello.txt"));
        Assert.Equal("200", Status(Curl(_server.Url + "alias.txt")));
    }

    [Fact]
    public async Task Keep_alive_serves_several_requests_on_one_connection_and_refuses_other_methods()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.EndPoint.Port);
        var stream = client.GetStream();
        var two = "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nPOST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(two));

        var answer = await ReadUntilClosedAsync(stream);

        Assert.Equal(2, CountOf(answer, "HTTP/1.1 200 OK"));
        Assert.Equal(1, CountOf(answer, "hello, guest"));
        Assert.Contains("HTTP/1.1 405 Method Not Allowed", answer);
        Assert.Contains("Allow: GET, HEAD", answer);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "400")]
    [InlineData("GET /hello.txt HTTP/9.9\r\n\r\n", "400")]
    [InlineData("GET /hello.txt HTTP/1.1\r\nBad Header\r\n\r\n", "400")]
    public async Task Malformed_requests_get_400_and_the_server_keeps_serving(string request, string status)
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, _server.EndPoint.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));
            Assert.StartsWith($"HTTP/1.1 {status}", await ReadUntilClosedAsync(client.GetStream()));
        }
        Assert.Equal("200", Status(Curl(_server.Url + "hello.txt")));
    }

    [Fact]
    public async Task An_oversized_request_head_gets_431()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.EndPoint.Port);
        var huge = "GET /hello.txt HTTP/1.1\r\nX-Filler: " + new string('a', 40_000) + "\r\n\r\n";
        try
        {
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(huge));
        }
        catch (IOException)
        {
            // The server may close before the client has written everything.
        }
        Assert.StartsWith("HTTP/1.1 431", await ReadUntilClosedAsync(client.GetStream()));
    }

    [Fact]
    public async Task Many_concurrent_clients_are_all_served()
    {
        using var http = new HttpClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => http.GetStringAsync(_server.Url + "hello.txt")));
        Assert.All(answers, a => Assert.Equal("hello, guest", a));
    }

    [Fact]
    public void The_real_raco_reads_a_catalog_and_installs_a_package_from_the_site_with_no_other_catalog()
    {
        // A package archived as the site holds it: pkgs/<name>.zip, a catalog entry with a relative source and its SHA-1.
        var package = _dir.Combine("src", "site-demo");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "info.rkt"), "#lang info\n(define collection \"site-demo\")\n(define deps '(\"base\"))\n");
        File.WriteAllText(Path.Combine(package, "main.rkt"), "#lang racket/base\n(provide answer)\n(define answer 42)\n");
        Directory.CreateDirectory(_dir.Combine("site", "pkgs"));
        RacketRunner.Raco("pkg", "create", "--format", "zip", "--dest", _dir.Combine("site", "pkgs"), package);
        var zip = _dir.Combine("site", "pkgs", "site-demo.zip");
        var sha1 = File.ReadAllText(zip + ".CHECKSUM").Trim();
        File.WriteAllText(_dir.Combine("site", "catalog", "pkg", "site-demo"),
            $"#hash((name . \"site-demo\") (source . \"../pkgs/site-demo.zip\") (checksum . \"{sha1}\") (dependencies . (\"base\")))");
        var catalog = _server.Url + "catalog/";

        Assert.Contains($"Checksum: {sha1}", RacketRunner.Raco("pkg", "catalog-show", "--catalog", catalog, "site-demo"));
        var home = _dir.Combine("home");
        RacketRunner.RacoAsUser(home, "pkg", "install", "--batch", "--no-docs", "--catalog", catalog, "site-demo");
        Assert.Equal("42", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "site-demo", "-e", "(display answer)").Trim());
    }

    [Fact]
    public async Task Disposing_stops_it_and_drops_open_connections()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.EndPoint.Port);
        var port = _server.EndPoint.Port;
        _server.Dispose();

        using var again = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => again.ConnectAsync(IPAddress.Loopback, port));
    }

    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var all = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                all.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
        }
        return Encoding.ASCII.GetString(all.ToArray());
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
