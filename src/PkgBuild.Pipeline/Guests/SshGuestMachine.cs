using PkgBuild.Racket.Diagnostics;
using Renci.SshNet;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// An existing machine reached over SSH. Between packages it is reset to a fresh session directory and
/// <c>PLTUSERHOME</c> under <c>Dir</c>, not to a snapshot: what a package installs outside them stays
/// (docs/guests.md says so). One SSH connection and one SFTP connection are shared by the guest's sessions.
/// </summary>
public sealed class SshGuestMachine(GuestSpec spec, TimeSpan? connectTimeout = null, Action<PkgBuildException>? warn = null) : IGuestMachine
{
    /// <summary>
    /// The installed Racket's directory when every session mounts it writable over a layer of its own (in
    /// a user namespace of the guest user's: no root needed); null when it is one installation all sessions
    /// share.
    /// </summary>
    internal string? Installation { get; private set; }

    private readonly SshConnector _connector = new(spec) { ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(15) };
    private SshClient? _ssh;
    private SftpClient? _sftp;

    public GuestSpec Spec { get; } = spec;

    /// <summary>The directory sessions are made in.</summary>
    public string Dir => Spec.Dir ?? $"/home/{Spec.User}/pkgbuild";

    internal SshClient Ssh => _ssh ?? throw new InvalidOperationException("The guest is not started.");

    internal SftpClient Sftp => _sftp ?? throw new InvalidOperationException("The guest is not started.");

    /// <summary>Resolves the key and connects once: every connection failure shows here, before long work.</summary>
    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        using var probe = new SshClient(_connector.ConnectionInfo());
        await _connector.ConnectAsync(probe, cancellationToken).ConfigureAwait(false);
        probe.Disconnect();
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _ssh = new SshClient(_connector.ConnectionInfo()) { KeepAliveInterval = TimeSpan.FromSeconds(15) };
        await _connector.ConnectAsync(_ssh, cancellationToken).ConfigureAwait(false);
        _sftp = new SftpClient(_connector.ConnectionInfo());
        await _connector.ConnectAsync(_sftp, cancellationToken).ConfigureAwait(false);

        var ready = await SshGuestSession.RunRawAsync(Ssh, $"mkdir -p {ShellQuote.Quote(Dir)}/sessions && echo ready", TimeSpan.FromSeconds(30), null, cancellationToken)
            .ConfigureAwait(false);
        if (!ready.Succeeded || ready.Output.Trim() != "ready")
        {
            throw new GuestException(ErrorCodes.GuestNotReady,
                $"PkgBuildGuest '{Spec.Name}': connected, but `mkdir -p {Dir}/sessions` did not run: {ready.Output.Trim()}", Spec.Location);
        }
    }

    /// <summary>Checks that a session on the guest (its PATH and Env) finds racket, when the build uses the guest's own Racket.</summary>
    public async Task ExpectRacketAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await OpenSessionAsync("racket-check", cancellationToken).ConfigureAwait(false);
        var result = await session.RunAsync(new GuestCommand("racket", "--version"), new GuestRunOptions { Timeout = TimeSpan.FromSeconds(60) }, cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new GuestException(ErrorCodes.GuestNoRacket,
                $"PkgBuildGuest '{Spec.Name}': there is no racket on the PATH of {Spec.User}@{Spec.Host}; install Racket there, or let the build install it (PkgBuildInstaller).", Spec.Location);
        }
    }

    public async Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var safe = new string(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(64).ToArray());
        var root = $"{Dir}/sessions/{safe}-{Guid.NewGuid().ToString("N")[..12]}";
        return await SshGuestSession.CreateAsync(this, root, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a reverse port forward: the guest's 127.0.0.1:<paramref name="guestPort"/> reaches <paramref name="localPort"/> here.</summary>
    public ForwardedPortRemote ForwardToGuest(uint guestPort, string localHost, uint localPort)
    {
        var forward = new ForwardedPortRemote("127.0.0.1", guestPort, localHost, localPort);
        Ssh.AddForwardedPort(forward);
        forward.Start();
        return forward;
    }

    private readonly SemaphoreSlim _reconnecting = new(1, 1);
    private (string Host, uint Port)? _siteForward;

    /// <summary>
    /// A connection that dropped (the guest's sshd restarted, the network blinked) is made again before the
    /// next session, with the site's forward: the package that was running is an infrastructure failure and
    /// is retried, and the packages after it find the guest again.
    /// </summary>
    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_ssh is { IsConnected: true } && _sftp is { IsConnected: true })
        {
            return;
        }
        await _reconnecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ssh is { IsConnected: true } && _sftp is { IsConnected: true })
            {
                return;
            }
            await StopAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await StartAsync(cancellationToken).ConfigureAwait(false);
                if (_siteForward is { } site)
                {
                    ForwardToGuest(SitePort, site.Host, site.Port);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not usable (connected without the site, say, because the old forward still holds the port):
                // dropped again, so the next session tries once more; this package counts as infrastructure.
                await StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw e as PkgBuildException ?? new GuestException(ErrorCodes.GuestConnectionLost,
                    $"PkgBuildGuest '{Spec.Name}': the connection dropped and could not be made again with the site's forward: {e.Message}", Spec.Location, e);
            }
        }
        finally
        {
            _reconnecting.Release();
        }
    }

    /// <summary>The port on the guest's loopback that reaches the site, as pkg-build's <c>ssh -R 18333:...</c>.</summary>
    public const uint SitePort = 18333;

    /// <summary>A reverse port forward: the guest's <c>http://localhost:18333/</c> is the site.</summary>
    public Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default)
    {
        try
        {
            ForwardToGuest(SitePort, siteUrl.Host, (uint)siteUrl.Port);
            _siteForward = (siteUrl.Host, (uint)siteUrl.Port);
        }
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or InvalidOperationException)
        {
            throw new PkgBuildException(ErrorCodes.GuestCannotReachSite,
                $"PkgBuildGuest '{Spec.Name}': the guest's sshd refused to forward its port {SitePort} to the site ({e.Message}); allow it with `AllowTcpForwarding remote` (or yes) in sshd_config, and make sure nothing else listens on port {SitePort} there.",
                Spec.Location, e);
        }
        return Task.FromResult(new Uri($"http://localhost:{SitePort}/"));
    }

    /// <summary>Installed once under <c>Dir</c>, in a directory named by the installer's checksum, and kept for later builds.</summary>
    public async Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default)
    {
        var directory = $"{Dir}/{RacketInstall.DirectoryName(installerFile)}";
        var marker = ShellQuote.Quote($"{directory}/{RacketInstall.CompleteMarker}");
        var have = await SshGuestSession.RunRawAsync(Ssh, $"test -f {marker}", TimeSpan.FromSeconds(30), null, cancellationToken).ConfigureAwait(false);
        if (have.ExitCode != 0)
        {
            var remote = $"{Dir}/installer-{Guid.NewGuid():N}.sh";
            await using (var input = File.OpenRead(installerFile))
            {
                await Sftp.UploadFileAsync(input, remote, cancellationToken).ConfigureAwait(false);
            }
            var dir = ShellQuote.Quote(directory);
            var installed = await SshGuestSession.RunRawAsync(Ssh,
                $"rm -rf {dir} && sh {ShellQuote.Quote(remote)} --in-place --dest {dir} && test -x {dir}/bin/raco && echo ok > {marker}; status=$?; rm -f {ShellQuote.Quote(remote)}; exit $status",
                TimeSpan.FromMinutes(20), null, cancellationToken).ConfigureAwait(false);
            if (!installed.Succeeded)
            {
                throw new PkgBuildException(ErrorCodes.RacketInstallFailed,
                    $"PkgBuildGuest '{Spec.Name}': installing Racket in {directory} on the guest failed{(installed.TimedOut ? " (timed out)" : "")}: {RacketInstall.Tail(installed.Output)}", Spec.Location);
            }
        }
        await UseInstallationAsync(directory, cancellationToken).ConfigureAwait(false);
        return $"{directory}/bin/raco";
    }

    /// <summary>
    /// Whether the guest lets its user mount an overlay in a user namespace of its own (Linux 5.11 and later,
    /// user namespaces allowed, util-linux's unshare), tried once: then each session sees the installation
    /// pristine and writable, as a pkg-build VM restored to its snapshot. Otherwise sessions share it (PKB0620).
    /// </summary>
    private async Task UseInstallationAsync(string directory, CancellationToken cancellationToken)
    {
        Installation = null;
        // Exactly what a session's commands run, on a directory of its own: mounted, written as the user itself, kept apart.
        var probe = $"{Dir}/overlay-probe-{Guid.NewGuid():N}";
        var (lower, overlay) = ($"{probe}/lower", $"{probe}/{InstallationOverlay.SessionDirectoryName}");
        var q = ShellQuote.Quote(probe);
        var tried = await SshGuestSession.RunRawAsync(Ssh,
            $"mkdir -p {ShellQuote.Join([lower, overlay + "/upper", overlay + "/work"])} && echo x > {ShellQuote.Quote(lower + "/seen")} && "
            + $"test \"$({SshGuestSession.Mounted(lower, overlay, ["/bin/sh", "-c", "touch \"$0/written\" && id -u", lower])})\" = \"$(id -u)\" "
            + $"&& test -e {ShellQuote.Quote(overlay + "/upper/written")} && test ! -e {ShellQuote.Quote(lower + "/written")}; status=$?; chmod -R u+rwx {q} 2>/dev/null; rm -rf {q}; exit $status",
            TimeSpan.FromSeconds(60), null, cancellationToken).ConfigureAwait(false);
        var why = !tried.Succeeded ? $"a trial overlay in a user namespace failed there (exit {tried.ExitCode}): {RacketInstall.Tail(tried.Output)}"
            : InstallationOverlay.Unusable(directory);
        if (why == null)
        {
            Installation = directory;
            return;
        }
        warn?.Invoke(new GuestException(ErrorCodes.GuestInstallationReadOnly,
            $"PkgBuildGuest '{Spec.Name}': packages share one Racket installation in {directory}, and what one writes there (shared files, info caches, compiled/ "
            + $"directories) stays for the next ({why}). A guest that allows its user namespaces and overlays (Linux 5.11 or later) gives each package its own writable view.",
            Spec.Location));
    }

    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var client in new BaseClient?[] { _sftp, _ssh })
        {
            // Best effort: a connection that dropped (or a client a failed reconnect left) throws on the way out.
            try
            {
                if (client is { IsConnected: true })
                {
                    client.Disconnect();
                }
            }
            catch (Exception e) when (e is Renci.SshNet.Common.SshException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
            }
            try
            {
                client?.Dispose();
            }
            catch (Exception e) when (e is Renci.SshNet.Common.SshException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
            }
        }
        _ssh = null;
        _sftp = null;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
