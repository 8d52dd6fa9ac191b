using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PkgBuild.Testing.Http;

/// <summary>A request as the test server read it.</summary>
public sealed record TestHttpRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the test server sends back; <see cref="Drop"/> closes the connection without an answer.</summary>
public sealed record TestHttpResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static TestHttpResponse Drop { get; } = new(-1);

    public static TestHttpResponse Ok(string body, string? etag = null) =>
        new(200, body, etag == null ? null : new Dictionary<string, string> { ["ETag"] = etag });
}

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 (bound to port 0, so no two tests race for a port) whose
/// answers a test scripts: catalogs that fail, hang or change between requests. Records every request.
/// Stops on dispose, cancelling handlers that are still waiting.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<TestHttpRequest, CancellationToken, Task<TestHttpResponse>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer(Func<TestHttpRequest, CancellationToken, Task<TestHttpResponse>> handler)
    {
        _handler = handler;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public LoopbackHttpServer(Func<TestHttpRequest, TestHttpResponse> handler)
        : this((request, _) => Task.FromResult(handler(request)))
    {
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>Path and query of every request received, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    private readonly List<string> _requests = [];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII, false, 4096, leaveOpen: true);
                while (!_stop.IsCancellationRequested)
                {
                    var requestLine = await reader.ReadLineAsync(_stop.Token);
                    if (string.IsNullOrEmpty(requestLine))
                    {
                        return;
                    }
                    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    for (var line = await reader.ReadLineAsync(_stop.Token); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(_stop.Token))
                    {
                        var colon = line.IndexOf(':');
                        if (colon > 0)
                        {
                            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                        }
                    }
                    var parts = requestLine.Split(' ');
                    var request = new TestHttpRequest(parts[0], parts.Length > 1 ? parts[1] : "/", headers);
                    lock (_requests)
                    {
                        _requests.Add(request.PathAndQuery);
                    }

                    var response = await _handler(request, _stop.Token);
                    if (response.Status < 0)
                    {
                        return;
                    }
                    await WriteResponse(stream, request, response);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away, or the server is stopping.
            }
        }
    }

    private static async Task WriteResponse(Stream stream, TestHttpRequest request, TestHttpResponse response)
    {
        var body = Encoding.UTF8.GetBytes(response.Body);
        var head = new StringBuilder();
        head.Append($"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n");
        head.Append($"Content-Length: {(response.Status == 304 ? 0 : body.Length)}\r\n");
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            head.Append($"{name}: {value}\r\n");
        }
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (request.Method != "HEAD" && response.Status != 304)
        {
            await stream.WriteAsync(body);
        }
        await stream.FlushAsync();
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        410 => "Gone",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
