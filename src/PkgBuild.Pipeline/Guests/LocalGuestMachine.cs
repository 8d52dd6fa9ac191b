using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// The guest that needs no VM: each package runs on this machine in a fresh session directory with its
/// own <c>PLTUSERHOME</c>, isolated by <see cref="LocalIsolation"/> where the machine allows it.
/// </summary>
public sealed class LocalGuestMachine(GuestSpec spec, string stateDirectory, Action<PkgBuildException> warn) : IGuestMachine
{
    private readonly List<string> _shared = [];
    private IReadOnlyList<InstallationMount> _installation = [];
    private string _installationFingerprint = "";
    private bool _docsWritable = true;

    private string SessionsDirectory => Path.Combine(stateDirectory, "sessions");

    public GuestSpec Spec { get; } = spec;

    /// <summary>Whether sessions run in their own namespaces and overlay (known after the preflight).</summary>
    public bool Isolated { get; private set; }

    /// <summary>Whether each session gets the installation writable, over layers of its own (known after the preflight).</summary>
    public bool WritableInstallation { get; private set; }

    /// <summary>The installation's directories as sessions mount them (empty: seen read-only, or not known yet).</summary>
    public IReadOnlyList<InstallationMount> Installation => _installation;

    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(SessionsDirectory);
        // Moving only the sessions elsewhere would not help: the site and the installed Racket they mount are
        // under the work directory too. So the directory in the way is named, with the fix.
        if (await LocalIsolation.UnreachableDirectoryAsync(SessionsDirectory, cancellationToken).ConfigureAwait(false) is { } closed)
        {
            var mode = OperatingSystem.IsWindows() ? "?" : Convert.ToString((int)File.GetUnixFileMode(closed), 8).PadLeft(4, '0');
            throw new GuestException(ErrorCodes.GuestStateUnreachable,
                $"PkgBuildGuest '{Spec.Name}': this build runs as root, so Local guests run packages as nobody (uid {LocalIsolation.NobodyId}), who cannot enter {closed} (mode {mode}); the guests' sessions, the site and the installed Racket under it are out of its reach. Let others through it without listing it (chmod o+x '{closed}'), or set PkgBuildWorkDir to a directory every user can enter (such as one under /var/tmp).",
                Spec.Location);
        }
        var why = await LocalIsolation.ProbeAsync(stateDirectory, cancellationToken).ConfigureAwait(false);
        Isolated = why == null;
        if (why != null && LocalIsolation.RunningAsRoot)
        {
            // Untrusted packages would run on this machine as root: refuse rather than warn.
            throw new GuestException(ErrorCodes.GuestRootWithoutIsolation,
                $"PkgBuildGuest '{Spec.Name}': Local guests cannot be isolated here ({why}), and this build runs as root, so packages would run on this machine as root. Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow user namespaces, or run the build as an ordinary user.",
                Spec.Location);
        }
        if (why == null)
        {
            var overlay = await InstallationOverlay.ProbeAsync(stateDirectory, cancellationToken).ConfigureAwait(false);
            WritableInstallation = overlay == null;
            if (overlay != null)
            {
                warn(ReadOnlyInstallation(overlay));
            }
        }
        if (why != null)
        {
            warn(new GuestException(ErrorCodes.GuestIsolationUnavailable,
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
            throw new GuestException(ErrorCodes.GuestNotReady,
                $"PkgBuildGuest '{Spec.Name}': a command in a fresh Local guest did not run ({(result.TimedOut ? "no answer within 30 s" : $"exit {result.ExitCode}")}): {result.Output.Trim()}", Spec.Location);
        }
    }

    public async Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(SessionsDirectory, $"{SafeLabel(label)}-{Guid.NewGuid().ToString("N")[..12]}");
        // Hide every guest's state, not only this one's: other guests' sessions are not this package's to read.
        var hidden = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory))) ?? stateDirectory;
        return await LocalGuestSession.CreateAsync(root, Isolated, Spec.Env, hidden, _shared, _installation,
            (Spec.MemoryMb ?? LocalIsolation.DefaultMemoryMb, Spec.Processes ?? LocalIsolation.MaxProcesses), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sessions see the site's directory read-only at its own path and read it as a <c>file://</c> catalog: they have no network.</summary>
    public Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(siteDirectory));
        Share(full);
        return Task.FromResult(new Uri(full + "/"));
    }

    /// <summary>
    /// Installed once on this machine, next to the guests' state; every session sees it pristine and writable
    /// over a layer of its own (read-only where the machine cannot mount one, with PKB0620 said).
    /// </summary>
    public async Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default)
    {
        var racket = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory)))!, "..", "racket"));
        var directory = await RacketInstall.OnThisMachineAsync(installerFile, racket, Spec, cancellationToken).ConfigureAwait(false);
        await UseInstallationAsync(new InstallationDirectories([directory], null), cancellationToken).ConfigureAwait(false);
        return Path.Combine(directory, "bin", "raco");
    }

    /// <summary>
    /// This machine's own Racket (PkgBuildRacket=Preinstalled), seen by every session as an installer's is: its
    /// directories (asked of racket in a session: see <see cref="DirectoriesProgram"/>) each pristine and
    /// writable over a layer of the session's own.
    /// </summary>
    public async Task UsePreinstalledRacketAsync(string racket, CancellationToken cancellationToken = default)
    {
        if (!WritableInstallation)
        {
            return;
        }
        await UseInstallationAsync(await InstallationRootsAsync(this, racket, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The roots of the installation <paramref name="racket"/> belongs to, and its documentation directory, asked of it in a session of <paramref name="guest"/>.</summary>
    internal static async Task<InstallationDirectories> InstallationRootsAsync(IGuestMachine guest, string racket, CancellationToken cancellationToken)
    {
        await using var session = await guest.OpenSessionAsync("racket-directories", cancellationToken).ConfigureAwait(false);
        var result = await session.RunAsync(new GuestCommand(racket, "-l", "racket/base", "-l", "setup/dirs", "-e", DirectoriesProgram),
            new GuestRunOptions { Timeout = TimeSpan.FromMinutes(2) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new PkgBuildException(ErrorCodes.GuestRacketUnusable,
                $"PkgBuildGuest '{guest.Spec.Name}': {racket} could not say where its installation is (exit {result.ExitCode}): {RacketInstall.Tail(result.Output)}", guest.Spec.Location);
        }
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var docs = lines.Where(l => l.StartsWith(DocsLine, StringComparison.Ordinal)).Select(l => Path.TrimEndingDirectorySeparator(l[DocsLine.Length..])).FirstOrDefault();
        return new InstallationDirectories(InstallationRoots(lines.Where(l => !l.StartsWith(DocsLine, StringComparison.Ordinal))), docs);
    }

    /// <summary>
    /// Prints each directory an installation's raco writes into for a package, one per line: collections,
    /// shared files, packages and compiled files. Not the launcher, documentation, man-page and desktop-file
    /// directories, which on a system Racket are the system's own (/usr/bin, /usr/share/man): a package must
    /// not be able to replace the programs its own later steps run, and the steps write nothing there (the
    /// check runs without docs; a user-scope install puts its launchers and docs in the user's directories).
    /// Then the documentation directory, after <see cref="DocsLine"/>: extra packages are installed without
    /// docs where it is not in those directories.
    /// </summary>
    private const string DirectoriesProgram =
        "(for ([p (append (list (find-collects-dir) (find-share-dir) (find-lib-dir) (find-pkgs-dir))"
        + " (filter path? (current-compiled-file-roots)))] #:when p) (displayln (simplify-path (path->complete-path p))))"
        + " (let ([d (find-doc-dir)]) (when d (printf \"" + DocsLine + "~a\\n\" (simplify-path (path->complete-path d)))))";

    private const string DocsLine = "docs ";

    /// <summary>The existing directories among <paramref name="directories"/> that no other one contains.</summary>
    internal static IReadOnlyList<string> InstallationRoots(IEnumerable<string> directories)
    {
        var existing = directories.Where(d => Path.IsPathRooted(d) && Directory.Exists(d) && new DirectoryInfo(d).LinkTarget == null)
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Where(d => d != "/").Distinct(StringComparer.Ordinal).ToList();
        return existing.Where(d => !existing.Any(o => d.StartsWith(o + "/", StringComparison.Ordinal))).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Sessions get the roots writable over a layer of their own, owned by the sandbox user (see <see cref="InstallationOverlay.OwnershipLayerAsync"/>).</summary>
    private async Task UseInstallationAsync(InstallationDirectories directories, CancellationToken cancellationToken)
    {
        var roots = directories.Roots;
        var unusable = roots.Select(InstallationOverlay.Unusable).FirstOrDefault(w => w != null)
            ?? InstallationOverlay.Unusable(Path.GetFullPath(stateDirectory));
        if (!WritableInstallation || unusable != null)
        {
            if (unusable != null && WritableInstallation)
            {
                warn(ReadOnlyInstallation(unusable));
            }
            foreach (var root in roots)
            {
                Share(root);
            }
            return;
        }
        var mounts = new List<InstallationMount>();
        var layers = Path.Combine(Path.GetFullPath(stateDirectory), "installation");
        // One walk per directory: the fingerprint both keys its ownership layer and names the installation.
        var fingerprints = roots.Select(Fingerprint).ToList();
        for (var i = 0; i < roots.Count; i++)
        {
            var layer = Path.Combine(layers, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var owned = await InstallationOverlay.OwnershipLayerAsync(roots[i], layer, fingerprints[i], cancellationToken).ConfigureAwait(false);
            mounts.Add(new InstallationMount(roots[i], [owned, roots[i]]));
        }
        _installation = mounts;
        _installationFingerprint = string.Join("\n", fingerprints);
        _docsWritable = directories.DocsWritable;
    }

    /// <summary>
    /// Installed once per <paramref name="key"/> in a session with the installation writable, whose layers are
    /// then kept as one more layer of it: pkg-build's snapshot taken after <c>#:extra-packages</c>.
    /// </summary>
    public async Task InstallExtraPackagesAsync(string raco, IReadOnlyList<string> packages, Uri catalog, string key, CancellationToken cancellationToken = default)
    {
        if (_installation.Count == 0)
        {
            throw new PkgBuildException(ErrorCodes.ExtraPackagesFailed,
                $"PkgBuildGuest '{Spec.Name}': PkgBuildExtraPackages need the installation writable, which this guest cannot give (see PKB0620).", Spec.Location);
        }
        // The same packages on another installation are another layer.
        var extras = Path.Combine(Path.GetFullPath(stateDirectory), "extra-packages", IO.Sha256.Of(key + "\n" + _installationFingerprint)[..16]);
        var marker = Path.Combine(extras, "complete");
        if (!File.Exists(marker))
        {
            await SessionDirectory.DeleteAsync(extras, cancellationToken).ConfigureAwait(false);
            await using var session = await OpenSessionAsync("extra-packages", cancellationToken).ConfigureAwait(false);
            var result = await session.RunAsync(ExtraPackagesCommand(raco, packages, catalog, _docsWritable),
                new GuestRunOptions { Timeout = TimeSpan.FromHours(1) }, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new PkgBuildException(ErrorCodes.ExtraPackagesFailed,
                    $"PkgBuildGuest '{Spec.Name}': `raco pkg install -i --auto {string.Join(' ', packages)}` failed ({(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")}): {RacketInstall.Tail(result.Output)}",
                    Spec.Location);
            }
            // Its entries are the sandbox user's, and every later session trusts them: root's alone on this machine.
            InstallationOverlay.PrivateDirectory(Path.GetDirectoryName(extras)!);
            foreach (var stale in Directory.EnumerateDirectories(Path.GetDirectoryName(extras)!).Where(d => d != extras))
            {
                await SessionDirectory.DeleteAsync(stale, cancellationToken).ConfigureAwait(false); // layers of extra packages no longer asked for
            }
            InstallationOverlay.PrivateDirectory(extras);
            for (var i = 0; i < _installation.Count; i++)
            {
                // Moved, not copied: the layer keeps the kernel's whiteouts and attributes as they are.
                var upper = InstallationOverlay.Layers(Path.Combine(session.Root, InstallationOverlay.SessionDirectoryName), i).Upper;
                Directory.Move(upper, Path.Combine(extras, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            IO.AtomicFile.WriteAllText(marker, string.Join("\n", packages) + "\n");
        }
        _installation = _installation.Select((m, i) => m with { Lowers = [Path.Combine(extras, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. m.Lowers] }).ToList();
    }

    /// <summary>
    /// <c>raco pkg install -i</c> of the extra packages, as pkg-build runs it. With <c>--no-docs</c> where the
    /// installation's documentation directory is not one sessions get writable (a system Racket's
    /// /usr/share/doc/racket): raco setup renders the installation's documentation index there for any
    /// package, and fails on the read-only directory ("docs failure: ... docindex.sqlite").
    /// </summary>
    internal static GuestCommand ExtraPackagesCommand(string raco, IReadOnlyList<string> packages, Uri catalog, bool docsWritable) =>
        new(raco, ["pkg", "install", "-i", "--auto", "--batch", .. (docsWritable ? Array.Empty<string>() : ["--no-docs"]), "--catalog", catalog.AbsoluteUri, .. packages]);

    /// <summary>
    /// What an installation directory is: every entry's path, size and time (a full walk; about 0.1 s for
    /// Debian's racket), so that any change to it, a file recompiled in place included, makes a new ownership
    /// layer (whose metadata copies would otherwise show the old sizes) and a new probe of its packages.
    /// </summary>
    internal static string Fingerprint(string root)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(string line) => hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        Add($". {Directory.GetLastWriteTimeUtc(root).Ticks}");
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true, ReturnSpecialDirectories = false };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            Add($"{Path.GetRelativePath(root, entry.FullName)} {(entry as FileInfo)?.Length} {entry.LastWriteTimeUtc.Ticks} {entry.LinkTarget}");
        }
        return root + " " + Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>What the installation sessions see is (its directories' fingerprints and the extra packages' layer): part of the Racket's identity.</summary>
    public string InstallationFingerprint => IO.Sha256.Of(_installationFingerprint + "\n" + string.Join(";", _installation.Select(m => string.Join(':', m.Lowers))));

    private GuestException ReadOnlyInstallation(string why) => new(ErrorCodes.GuestInstallationReadOnly,
        $"PkgBuildGuest '{Spec.Name}': packages see the Racket installation read-only ({why}): what raco writes there in a pkg-build VM (a meta package's shared files, "
        + "info caches, compiled/ directories) fails instead, and such packages fail for it. Run the build as root on Linux with overlayfs for a writable installation per package.",
        Spec.Location);

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

/// <summary>The directories of an installation that sessions get writable, and its documentation directory (null: none, or one of them).</summary>
internal sealed record InstallationDirectories(IReadOnlyList<string> Roots, string? Docs)
{
    /// <summary>Whether raco setup can write the installation's documentation in a session: its directory is in one of <see cref="Roots"/>.</summary>
    public bool DocsWritable => Docs == null || Roots.Any(r => Docs == r || Docs.StartsWith(r + "/", StringComparison.Ordinal));
}
