using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// GETs catalog resources with retries, conditional requests and errors a person can act on:
/// unreachable host, HTTP error status, retries exhausted. One instance is shared by all fetches of a
/// copy so connections are reused.
/// </summary>
public sealed class CatalogHttpClient : IDisposable
{
    // Made on first use: a build whose catalogs are all directories never loads the HTTP stack.
    private readonly Lazy<HttpClient> _http;
    private readonly HttpRetryPolicy _policy;
    private readonly Action<string>? _log;

    public CatalogHttpClient(HttpRetryPolicy? policy = null, Action<string>? log = null, HttpMessageHandler? handler = null)
    {
        _policy = policy ?? new HttpRetryPolicy();
        _log = log;
        _http = new Lazy<HttpClient>(() =>
        {
            var http = handler == null
                ? new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                : new HttpClient(handler, disposeHandler: false);
            http.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own limit
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PkgBuild.Sdk", "0.1"));
            return http;
        });
    }

    /// <summary>
    /// Fetches <paramref name="url"/>. Returns not-found (404/410) and not-modified (304, when validators
    /// are given) as results; throws <see cref="PkgBuildException"/> for everything that is an error.
    /// </summary>
    /// <param name="bytesRead">Called with each chunk's size as the body arrives, for progress reports.</param>
    public async Task<HttpFetchResult> GetAsync(Uri url, string? etag = null, DateTimeOffset? lastModified = null,
        Action<int>? bytesRead = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(_policy.AttemptTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (etag != null)
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                }
                if (lastModified != null)
                {
                    request.Headers.IfModifiedSince = lastModified;
                }
                using var response = await _http.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token).ConfigureAwait(false);
                var status = response.StatusCode;
                if (status == HttpStatusCode.OK || status == HttpStatusCode.NotModified || status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                {
                    var body = status == HttpStatusCode.OK
                        ? await ReadBodyAsync(response.Content, bytesRead, attemptTimeout.Token).ConfigureAwait(false)
                        : null;
                    return new HttpFetchResult(url, status, body, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
                }
                if (!HttpRetryPolicy.IsRetryable(status))
                {
                    throw new PkgBuildException(ErrorCodes.CatalogHttpError,
                        $"GET {url} answered {(int)status} {response.ReasonPhrase}; that is not a catalog resource.", SourceLocation.InFile(url.ToString()));
                }
                failure = $"{(int)status} {response.ReasonPhrase}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no complete answer within {_policy.AttemptTimeout.TotalSeconds:0} s";
            }
            catch (HttpRequestException e) when (IsUnreachable(e))
            {
                throw new PkgBuildException(ErrorCodes.CatalogUnreachable,
                    $"Cannot reach the catalog at {url.GetLeftPart(UriPartial.Authority)}: {e.InnerException?.Message ?? e.Message}.",
                    SourceLocation.InFile(url.ToString()), e);
            }
            catch (HttpRequestException e)
            {
                failure = e.InnerException?.Message ?? e.Message;
            }

            if (attempt >= _policy.MaxAttempts)
            {
                throw new PkgBuildException(ErrorCodes.CatalogRetriesExhausted,
                    $"GET {url} failed {attempt} times; the last time: {failure}.", SourceLocation.InFile(url.ToString()));
            }
            var delay = _policy.DelayAfter(attempt);
            _log?.Invoke($"GET {url}: {failure}; retrying in {delay.TotalSeconds:0.0} s (attempt {attempt + 1} of {_policy.MaxAttempts}).");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, Action<int>? bytesRead, CancellationToken cancellationToken)
    {
        if (bytesRead == null)
        {
            return await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        using var body = new MemoryStream(content.Headers.ContentLength is long n and < int.MaxValue ? (int)n : 1 << 16);
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            body.Write(buffer, 0, read);
            bytesRead(read);
        }
        return body.ToArray();
    }

    /// <summary>Name resolution and refused connections do not get better by retrying within seconds.</summary>
    private static bool IsUnreachable(HttpRequestException e) =>
        e.InnerException is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.ConnectionRefused or SocketError.TryAgain or SocketError.NoData };
}
