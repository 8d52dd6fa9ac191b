using System.Net;
using System.Net.Sockets;

namespace PkgBuild.Testing.Http;

/// <summary>
/// A real HTTP server (the framework's HttpListener) on 127.0.0.1 and a free port, answering with a
/// handler the test supplies: for catalogs that fail, hang or change between requests. Every request
/// is recorded. Stopped on dispose.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, HttpListenerResponse, Task> _handler;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public LoopbackHttpServer(Func<HttpListenerRequest, HttpListenerResponse, Task> handler)
    {
        _handler = handler;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>Path and query of every request received, in order.</summary>
    public List<string> Requests { get; } = [];

    public static async Task WriteAsync(HttpListenerResponse response, int status, string body, string? etag = null)
    {
        response.StatusCode = status;
        if (etag != null)
        {
            response.Headers["ETag"] = etag;
        }
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
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
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            lock (Requests)
            {
                Requests.Add(context.Request.Url!.PathAndQuery);
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handler(context.Request, context.Response);
                }
                catch (Exception)
                {
                    // A handler that drops the connection on purpose ends here.
                    context.Response.Abort();
                }
            });
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
