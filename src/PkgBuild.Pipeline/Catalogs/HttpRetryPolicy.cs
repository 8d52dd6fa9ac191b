using System.Net;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// When and how long to retry an HTTP request: the statuses Racket's own client retries (5xx, 408, 409)
/// and timeouts, with exponential backoff and jitter so parallel fetches do not retry in step.
/// </summary>
public sealed record HttpRetryPolicy
{
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Limit for one attempt, from sending the request to the last byte of the body.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public static bool IsRetryable(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict;

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1 (attempts count from 1).</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var exponential = FirstDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(capped * jitter);
    }
}
