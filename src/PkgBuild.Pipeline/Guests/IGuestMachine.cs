namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One <c>PkgBuildGuest</c>: checked before any long work (every failure named with its fix), started,
/// proved ready, then asked for a fresh session per package, and stopped at the end of the build.
/// </summary>
public interface IGuestMachine : IAsyncDisposable
{
    GuestSpec Spec { get; }

    /// <summary>Checks what can be checked without starting anything; throws a PKB06xx error with the fix.</summary>
    Task PreflightAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts the guest and proves it ready by running a command in it.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>A fresh guest for one package; <paramref name="label"/> (a package name) names its directory.</summary>
    Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the served site (<paramref name="siteDirectory"/>, served at <paramref name="siteUrl"/>)
    /// reachable from this guest's sessions, read-only; returns its root URL as a package sees it.
    /// </summary>
    Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes Racket from <paramref name="installerFile"/> available to every session (installed once, kept
    /// for later builds where the kind can); returns the path of its <c>raco</c> as the guest sees it.
    /// </summary>
    Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default);

    /// <summary>
    /// Readies the guest's own Racket (PkgBuildRacket=Preinstalled, run as <paramref name="racket"/>) for
    /// sessions: where the kind can, each session then sees it pristine and writable, as a VM restored to
    /// its snapshot would. Kinds whose sessions already get that (a container's own layer) do nothing.
    /// </summary>
    Task UsePreinstalledRacketAsync(string racket, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Installs <paramref name="packages"/> (pkg-build's <c>#:extra-packages</c>) into the installation scope of
    /// the Racket every session sees, from <paramref name="catalog"/>, once per <paramref name="key"/> (what they
    /// are): from then on they are part of that Racket.
    /// </summary>
    Task InstallExtraPackagesAsync(string raco, IReadOnlyList<string> packages, Uri catalog, string key, CancellationToken cancellationToken = default) =>
        throw new PkgBuild.Racket.Diagnostics.PkgBuildException(PkgBuild.Racket.Diagnostics.ErrorCodes.ExtraPackagesFailed,
            $"PkgBuildGuest '{Spec.Name}': PkgBuildExtraPackages are not supported on {Spec.Kind} guests yet; use Local guests, or an installer that already holds them.",
            Spec.Location);

    /// <summary>Stops the guest (idempotent).</summary>
    Task StopAsync(CancellationToken cancellationToken = default);
}
