using System.Net;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// One HTTP resource as fetched: the body (null when not found or not modified) and the validators
/// (ETag, Last-Modified) a later fetch sends to learn whether it changed.
/// </summary>
public sealed record HttpFetchResult(Uri Url, HttpStatusCode Status, byte[]? Body, string? ETag, DateTimeOffset? LastModified)
{
    /// <summary>404 and 410: Racket's client treats both as "this catalog has no such entry".</summary>
    public bool NotFound => Status is HttpStatusCode.NotFound or HttpStatusCode.Gone;

    public bool NotModified => Status == HttpStatusCode.NotModified;
}
