using System.Diagnostics;
using System.Text;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One package's fresh directory on an SSH guest: <c>work/</c>, <c>home/</c> (<c>PLTUSERHOME</c>) and
/// <c>tmp/</c> under a new session directory, removed when disposed. Each command is one shell line made
/// by <see cref="ShellQuote"/>; a timeout kills the command's whole session on the guest.
/// </summary>
public sealed class SshGuestSession : IGuestSession
{
    private readonly SshGuestMachine _guest;

    private SshGuestSession(SshGuestMachine guest, string root)
    {
        _guest = guest;
        Root = root;
    }

    public string Root { get; }

    public string WorkDirectory => Root + "/work";

    public string UserHome => Root + "/home";

    /// <summary>The upper and work directories of the installation's overlay, when the guest gives each session one.</summary>
    private string Overlay => Root + "/" + InstallationOverlay.SessionDirectoryName;

    /// <summary>The shell words that run <paramref name="argv"/> with <paramref name="installation"/> mounted over the layers in <paramref name="overlay"/>.</summary>
    internal static string Mounted(string installation, string overlay, IEnumerable<string> argv) =>
        "unshare -U -r -m -- sh -c " + ShellQuote.Quote(MountScript) + " pkgbuild-overlay \"$(id -u):$(id -g)\" "
        + ShellQuote.Join(new[] { installation, overlay }.Concat(argv));

    // As root of a user namespace of the guest user's: mount the session's overlay on the installation, then
    // drop back to the user's own uid and gid (a nested namespace, same mounts) and run the command.
    private const string MountScript =
        "mount -t overlay pkgbuild-racket -o \"lowerdir=$2,upperdir=$3/upper,workdir=$3/work,userxattr\" -- \"$2\" || exit 125; "
        + "uid=$1; shift 3; exec unshare -U --map-user=\"${uid%:*}\" --map-group=\"${uid#*:}\" -- \"$@\"";

    internal static async Task<SshGuestSession> CreateAsync(SshGuestMachine guest, string root, CancellationToken cancellationToken)
    {
        var session = new SshGuestSession(guest, root);
        string[] directories = guest.Installation == null
            ? [session.WorkDirectory, session.UserHome, root + "/tmp"]
            : [session.WorkDirectory, session.UserHome, root + "/tmp", session.Overlay + "/upper", session.Overlay + "/work"];
        var made = await RunRawAsync(guest.Ssh, $"mkdir -p {ShellQuote.Join(directories)}",
            TimeSpan.FromSeconds(60), null, cancellationToken).ConfigureAwait(false);
        if (!made.Succeeded)
        {
            throw new GuestException(ErrorCodes.GuestNotReady, $"PkgBuildGuest '{guest.Spec.Name}': cannot make {root}: {made.Output.Trim()}", guest.Spec.Location);
        }
        return session;
    }

    public Task<GuestRunResult> RunAsync(GuestCommand command, GuestRunOptions options, CancellationToken cancellationToken = default)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = UserHome,
            ["PLTUSERHOME"] = UserHome,
            ["TMPDIR"] = Root + "/tmp",
            ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in _guest.Spec.Env.Concat(command.Environment))
        {
            env[key] = value;
        }
        // $$ is the guest shell that exec turns into the command: its PID names the session to kill on timeout.
        var argv = new[] { "env", "-i" }.Concat(env.Select(e => $"{e.Key}={e.Value}")).Concat(command.Argv);
        var line = $"exec 2>&1; cd {ShellQuote.Quote(WorkDirectory)} && echo $$ > ../command.pid && exec "
            + (_guest.Installation is { } installation ? Mounted(installation, Overlay, argv) : ShellQuote.Join(argv));
        return RunAndKillOnTimeoutAsync(line, options, cancellationToken);
    }

    public async Task CopyInAsync(string localFile, string relativePath, CancellationToken cancellationToken = default)
    {
        var target = Inside(relativePath);
        await RunRawAsync(_guest.Ssh, $"mkdir -p {ShellQuote.Quote(target[..target.LastIndexOf('/')])}", TimeSpan.FromSeconds(60), null, cancellationToken).ConfigureAwait(false);
        await using var input = File.OpenRead(localFile);
        await Lost(() => _guest.Sftp.UploadFileAsync(input, target, cancellationToken)).ConfigureAwait(false);
    }

    /// <remarks>
    /// SFTP reads as the guest's user, the user the package's commands run as: a link the package made reaches
    /// only what the package could have read and packed itself, so the guest's copy needs no race-free open.
    /// Links, FIFOs and devices are still refused, so that such a package fails clearly; a FIFO swapped in
    /// after that check would stall the read, hence its limit.
    /// </remarks>
    public async Task CopyOutAsync(string relativePath, string localFile, CancellationToken cancellationToken = default)
    {
        var path = Inside(relativePath);
        Renci.SshNet.Sftp.SftpFileAttributes? attributes = null;
        await Lost(async () => attributes = await _guest.Sftp.GetAttributesAsync(path, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (attributes!.IsSymbolicLink || !attributes.IsRegularFile)
        {
            throw new UnsafeGuestFileException($"'{relativePath}' in the guest's session is {(attributes.IsSymbolicLink ? "a symbolic link" : "not a regular file")}; refused.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localFile))!);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CopyOutLimit);
        try
        {
            await using var output = File.Create(localFile);
            await Lost(() => _guest.Sftp.DownloadFileAsync(path, output, limit.Token)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            File.Delete(localFile); // nothing half copied is left
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new UnsafeGuestFileException($"'{relativePath}' could not be read in {CopyOutLimit.TotalMinutes} minutes (a FIFO the guest put there?); refused.");
            }
            throw;
        }
    }

    /// <summary>How long one copy out may take: far longer than any package's zip needs.</summary>
    private static readonly TimeSpan CopyOutLimit = TimeSpan.FromMinutes(10);

    public async ValueTask DisposeAsync()
    {
        try
        {
            // The overlay's work directory holds a directory the kernel made with no permissions.
            await RunRawAsync(_guest.Ssh, $"chmod -R u+rwx {ShellQuote.Quote(Overlay)} 2>/dev/null; rm -rf {ShellQuote.Quote(Root)}", TimeSpan.FromMinutes(2), null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (PkgBuildException)
        {
            // The connection is gone; the next build's sessions are new directories anyway.
        }
    }

    /// <summary>
    /// Runs one shell line, handing each output line to <paramref name="onLine"/> as it arrives; connection
    /// loss becomes PKB0611.
    /// </summary>
    internal static Task<GuestRunResult> RunRawAsync(SshClient ssh, string line, TimeSpan timeout, Action<string>? onLine, CancellationToken cancellationToken) =>
        RunRawAsync(ssh, line, new GuestRunOptions { Timeout = timeout, OnOutputLine = onLine }, cancellationToken);

    /// <summary>
    /// Runs one shell line within <paramref name="options"/>' limits, handing each output line to its
    /// listener as it arrives; connection loss becomes PKB0611.
    /// </summary>
    internal static async Task<GuestRunResult> RunRawAsync(SshClient ssh, string line, GuestRunOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var command = ssh.CreateCommand(line);
        var output = new OutputBuffer(options.MaxOutputChars);
        using var limit = new RunLimit(options.Timeout, options.SilenceTimeout, cancellationToken, options.Deadline);
        var timedOut = false;
        try
        {
            var execution = Lost(() => command.ExecuteAsync(limit.Token)); // also what it throws before it runs
            // The output stream is a pipe SSH.NET fills as data arrives; it ends when the channel closes.
            var reading = StreamLines.StartReading(command.OutputStream, line => options.OnOutputLine?.Invoke(line), text =>
            {
                limit.Heard();
                output.Append(text); // as sent, newlines and all
            });
            try
            {
                await execution.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timedOut = true;
            }
            finally
            {
                if (await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false) != reading)
                {
                    command.Dispose(); // ends a pipe that was never closed; what it held is still read
                }
                await reading.ConfigureAwait(false);
            }
            output.Append(command.Error);
            return new GuestRunResult(timedOut ? -1 : command.ExitStatus ?? -1, timedOut, output.ToString(), clock.Elapsed) { Silent = timedOut && limit.Silent };
        }
        finally
        {
            command.Dispose();
        }
    }

    private async Task<GuestRunResult> RunAndKillOnTimeoutAsync(string line, GuestRunOptions options, CancellationToken cancellationToken)
    {
        GuestRunResult result;
        try
        {
            result = await RunRawAsync(_guest.Ssh, line, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the command must not go on running on the guest after the build stopped.
            await KillCommandAsync().ConfigureAwait(false);
            throw;
        }
        if (result.TimedOut)
        {
            await KillCommandAsync().ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Kills everything the command started: it shares the command's session id (sshd made it a session leader).</summary>
    private async Task KillCommandAsync()
    {
        var pidFile = ShellQuote.Quote(Root + "/command.pid");
        try
        {
            await RunRawAsync(_guest.Ssh, $"pid=$(cat {pidFile}) && pkill -KILL -s \"$pid\"; kill -KILL -- \"-$pid\" 2>/dev/null; true",
                TimeSpan.FromSeconds(30), null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (PkgBuildException)
        {
            // The connection is gone: so is the command's session, with it.
        }
    }

    private string Inside(string relativePath)
    {
        if (relativePath.StartsWith('/') || relativePath.Split('/').Contains(".."))
        {
            throw new ArgumentException($"'{relativePath}' is not inside the session.", nameof(relativePath));
        }
        return Root + "/" + relativePath;
    }

    /// <summary>SSH.NET's ways of saying the connection dropped, as one infrastructure error.</summary>
    private static async Task Lost(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException e)
        {
            throw new FileNotFoundException(e.Message, e);
        }
        catch (SftpPermissionDeniedException e)
        {
            // The guest's user may not read what the guest left there: the guest's doing, not the connection's.
            throw new UnsafeGuestFileException($"the guest's user may not read it: {e.Message}");
        }
        catch (Exception e) when (e is SshConnectionException or ObjectDisposedException or SshException and not SshOperationTimeoutException
            || e is InvalidOperationException { Message: var m } && m.Contains("connect", StringComparison.OrdinalIgnoreCase))
        {
            throw new GuestException(ErrorCodes.GuestConnectionLost, $"The connection to the guest was lost: {e.Message}", default, e);
        }
    }
}
