using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// The guest that needs no VM: each package runs on this machine in a fresh session directory with its
/// own <c>PLTUSERHOME</c>, isolated by <see cref="LocalIsolation"/> where the machine allows it.
/// </summary>
public sealed class LocalGuestMachine(GuestSpec spec, string stateDirectory, Action<PkgBuildException> warn) : IGuestMachine
{
    private readonly List<string> _shared = [];

    private string SessionsDirectory => Path.Combine(stateDirectory, "sessions");

    public GuestSpec Spec { get; } = spec;

    /// <summary>Whether sessions run in their own namespaces and overlay (known after the preflight).</summary>
    public bool Isolated { get; private set; }

    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(SessionsDirectory);
        var why = await LocalIsolation.ProbeAsync(stateDirectory, cancellationToken).ConfigureAwait(false);
        Isolated = why == null;
        if (why != null && LocalIsolation.RunningAsRoot)
        {
            // Untrusted packages would run on this machine as root: refuse rather than warn.
            throw new PkgBuildException(ErrorCodes.GuestRootWithoutIsolation,
                $"PkgBuildGuest '{Spec.Name}': Local guests cannot be isolated here ({why}), and this build runs as root, so packages would run on this machine as root. Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow user namespaces, or run the build as an ordinary user.",
                Spec.Location);
        }
        if (why != null)
        {
            warn(new PkgBuildException(ErrorCodes.GuestIsolationUnavailable,
                $"PkgBuildGuest '{Spec.Name}': Local guests run without isolation ({why}): each package still gets a fresh directory and PLTUSERHOME, but can reach the network, read what this user can and change this machine. Install bubblewrap (and allow user namespaces) for isolated Local guests.",
                Spec.Location));
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await OpenSessionAsync("ready-check", cancellationToken).ConfigureAwait(false);
        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo ready"),
            new GuestRunOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded || result.Output.Trim() != "ready")
        {
            throw new PkgBuildException(ErrorCodes.GuestNotReady,
                $"PkgBuildGuest '{Spec.Name}': a command in a fresh Local guest did not run ({(result.TimedOut ? "no answer within 30 s" : $"exit {result.ExitCode}")}): {result.Output.Trim()}", Spec.Location);
        }
    }

    public async Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(SessionsDirectory, $"{SafeLabel(label)}-{Guid.NewGuid().ToString("N")[..12]}");
        // Hide every guest's state, not only this one's: other guests' sessions are not this package's to read.
        var hidden = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory))) ?? stateDirectory;
        return await LocalGuestSession.CreateAsync(root, Isolated, Spec.Env, hidden, _shared, (Spec.MemoryMb ?? LocalIsolation.DefaultMemoryMb, Spec.Processes ?? LocalIsolation.MaxProcesses), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sessions see the site's directory read-only at its own path and read it as a <c>file://</c> catalog: they have no network.</summary>
    public Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(siteDirectory));
        Share(full);
        return Task.FromResult(new Uri(full + "/"));
    }

    /// <summary>Installed once on this machine, next to the guests' state, and seen read-only by every session.</summary>
    public async Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default)
    {
        var racket = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory)))!, "..", "racket");
        var directory = await RacketInstall.OnThisMachineAsync(installerFile, racket, Spec, cancellationToken).ConfigureAwait(false);
        Share(directory);
        return Path.Combine(directory, "bin", "raco");
    }

    private void Share(string directory)
    {
        lock (_shared)
        {
            if (!_shared.Contains(directory))
            {
                _shared.Add(directory);
            }
        }
    }

    /// <summary>Sessions are discarded one by one; anything a killed build left is removed here.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => SessionDirectory.DeleteAsync(SessionsDirectory, cancellationToken);

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static string SafeLabel(string label) =>
        new(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(64).ToArray());
}
