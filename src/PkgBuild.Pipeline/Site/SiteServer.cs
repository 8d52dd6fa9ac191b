using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PkgBuild.Pipeline.Site;

/// <summary>
/// A static HTTP/1.1 server for the site directory (installers, catalog, package archives), as guests
/// fetch it: GET and HEAD only, keep-alive, exact Content-Length, nothing outside the root
/// (<see cref="SitePath"/>), no directory listings. Each connection is served on its own task; a
/// malformed or oversized request gets its 4xx and the connection is closed. Disposing stops it.
/// </summary>
public sealed class SiteServer : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _disposed;

    private SiteServer(string root, TcpListener listener)
    {
        _root = root;
        _listener = listener;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Serves <paramref name="root"/> on <paramref name="address"/>:<paramref name="port"/> (0: any free port).</summary>
    public static SiteServer Start(string root, IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        return new SiteServer(Path.GetFullPath(root), listener);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>The site's base URL, with the trailing '/'.</summary>
    public Uri Url => new($"http://{(EndPoint.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{EndPoint.Address}]" : EndPoint.Address.ToString())}:{EndPoint.Port}/");

    /// <summary>Connections open now (for tests of keep-alive and of shutdown).</summary>
    public int OpenConnections => Volatile.Read(ref _connections);

    /// <summary>Stops accepting and ends every open connection (idempotent).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        // Open connections wait on this token; it is cancelled, never disposed, so none sees a disposed source.
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeConnectionAsync(socket));
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        Interlocked.Increment(ref _connections);
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var buffer = new byte[MaxHeaderBytes];
            var filled = 0;
            while (!_stop.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(IdleTimeout);
                var (request, consumed, status) = await ReadRequestAsync(stream, buffer, filled, idle.Token, n => filled = n).ConfigureAwait(false);
                if (request == null)
                {
                    if (status != 0)
                    {
                        await WriteErrorAsync(stream, status, keepAlive: false, head: false).ConfigureAwait(false);
                    }
                    return;
                }
                filled -= consumed;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled);
                if (!await RespondAsync(stream, request).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: nothing to answer.
        }
        catch (Exception e) when (e is UnauthorizedAccessException)
        {
            // A file the server may not read: the client sees the connection close, the server goes on.
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>Reads up to the blank line that ends the headers. Status 0 with no request: the client closed.</summary>
    /// <param name="setFilled">Told how much of <paramref name="buffer"/> holds data after each read, so bytes of a next request are kept.</param>
    private static async Task<(SiteRequest? Request, int Consumed, int Status)> ReadRequestAsync(Stream stream, byte[] buffer, int filled,
        CancellationToken token, Action<int> setFilled)
    {
        while (true)
        {
            var end = IndexOfHeaderEnd(buffer.AsSpan(0, filled));
            if (end >= 0)
            {
                var request = SiteRequest.Parse(Encoding.Latin1.GetString(buffer, 0, end));
                return request == null ? (null, 0, 400) : (request, end + 4, 0);
            }
            if (filled == buffer.Length)
            {
                return (null, 0, 431);
            }
            var read = await stream.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false);
            if (read == 0)
            {
                return (null, 0, filled == 0 ? 0 : 400);
            }
            filled += read;
            setFilled(filled);
        }
    }

    private static int IndexOfHeaderEnd(ReadOnlySpan<byte> data) => data.IndexOf("\r\n\r\n"u8);

    /// <summary>Answers one request; returns whether the connection stays open.</summary>
    private async Task<bool> RespondAsync(Stream stream, SiteRequest request)
    {
        var head = request.Method == "HEAD";
        if (request.Method is not ("GET" or "HEAD"))
        {
            await WriteErrorAsync(stream, 405, keepAlive: false, head: false, "Allow: GET, HEAD\r\n").ConfigureAwait(false);
            return false;
        }
        if (request.HasBody)
        {
            await WriteErrorAsync(stream, 400, keepAlive: false, head).ConfigureAwait(false);
            return false;
        }
        var file = SitePath.Resolve(_root, request.Target);
        if (file == null)
        {
            await WriteErrorAsync(stream, 404, request.KeepAlive, head).ConfigureAwait(false);
            return request.KeepAlive;
        }
        await using var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var headers = new StringBuilder()
            .Append("HTTP/1.1 200 OK\r\n")
            .Append("Content-Length: ").Append(content.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Content-Type: ").Append(ContentType(file)).Append("\r\n")
            .Append("Last-Modified: ").Append(File.GetLastWriteTimeUtc(file).ToString("R", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append(request.KeepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers.ToString())).ConfigureAwait(false);
        if (!head)
        {
            await content.CopyToAsync(stream).ConfigureAwait(false);
        }
        await stream.FlushAsync().ConfigureAwait(false);
        return request.KeepAlive;
    }

    private static async Task WriteErrorAsync(Stream stream, int status, bool keepAlive, bool head, string extraHeaders = "")
    {
        var reason = status switch { 400 => "Bad Request", 404 => "Not Found", 405 => "Method Not Allowed", 431 => "Request Header Fields Too Large", _ => "Error" };
        var body = $"{status} {reason}\n";
        var text = $"HTTP/1.1 {status} {reason}\r\nContent-Length: {body.Length}\r\nContent-Type: text/plain\r\n{extraHeaders}" +
            $"{(keepAlive ? "Connection: keep-alive" : "Connection: close")}\r\n\r\n{(head ? "" : body)}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text)).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Racket ignores Content-Type; browsers and curl users read these.</summary>
    private static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".zip" => "application/zip",
        ".sh" => "application/x-sh",
        ".json" => "application/json",
        ".rktd" or "" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
