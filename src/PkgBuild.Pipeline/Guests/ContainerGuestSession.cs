using System.Diagnostics;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One package's fresh container: started from the guest's image with no network, its memory and process
/// limits, and the session directory on this machine (<c>work/</c>, <c>home/</c> = <c>PLTUSERHOME</c>,
/// <c>tmp/</c>) bound in at the same path. Commands run with <c>exec</c>; writes anywhere else (an installed
/// Racket included) go to the container's own layer and vanish when it is removed.
/// </summary>
public sealed class ContainerGuestSession : IGuestSession
{
    /// <summary>
    /// The container's PID 1. It must reap: processes a command leaves behind are re-parented to it, and
    /// <c>sleep infinity</c> would keep them as zombies that count against <c>--pids-limit</c>. Its
    /// <c>wait</c> reaps any child; the loop outlives a timeout's <c>kill -1</c>, which kills its sleep.
    /// It exits on TERM at once, so removing the container never waits out the tool's stop timeout (10 s).
    /// </summary>
    public const string KeepAlive = "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done";

    /// <summary>Processes one package may run at once (a fork bomb stops here, not at the machine's limit).</summary>
    public const int PidsLimit = 4096;

    private const string SearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly ContainerGuestMachine _guest;

    private ContainerGuestSession(ContainerGuestMachine guest, string root, string name)
    {
        _guest = guest;
        Root = root;
        Name = name;
    }

    /// <summary>The container's name: <c>pkgbuild-&lt;guest&gt;-&lt;label&gt;-&lt;12 hex&gt;</c>.</summary>
    public string Name { get; }

    public string Root { get; }

    public string WorkDirectory => Path.Combine(Root, "work");

    public string UserHome => Path.Combine(Root, "home");

    private ContainerCli Cli => _guest.Cli;

    internal static async Task<ContainerGuestSession> StartAsync(ContainerGuestMachine guest, string image, string root, string name, CancellationToken cancellationToken)
    {
        var session = new ContainerGuestSession(guest, root, name);
        Directory.CreateDirectory(session.WorkDirectory);
        Directory.CreateDirectory(session.UserHome);
        Directory.CreateDirectory(Path.Combine(root, "tmp"));

        var arguments = new List<string>
        {
            "run", "-d", "--rm", "--pull", "never", "--network", "none", "--name", name,
            "--label", $"{ContainerGuestMachine.GuestLabel}={guest.Spec.Name}", "--label", $"{ContainerGuestMachine.StateLabel}={guest.StateId}",
        };
        if (guest.Spec.MemoryMb is { } memory)
        {
            // The same value for memory+swap: no swapping past the limit, the package is killed at it.
            arguments.AddRange(["--memory", $"{memory}m", "--memory-swap", $"{memory}m"]);
        }
        arguments.AddRange(["--pids-limit", (guest.Spec.Processes ?? PidsLimit).ToString(System.Globalization.CultureInfo.InvariantCulture), "-v", $"{root}:{root}"]);
        // The site stays read-only: a package must not change the archive its dependents install from.
        foreach (var (host, inGuest) in guest.Mounts)
        {
            arguments.AddRange(["-v", $"{Path.GetFullPath(host)}:{inGuest}:ro"]);
        }
        // An installed Racket is writable, as on pkg-build's VM, in a view of the container's own: podman's
        // overlay volume keeps writes in an upper directory in the container's storage, removed with it.
        // docker has no overlay volume; there the installation is copied into the container's layer.
        var installations = guest.Installations;
        foreach (var installation in installations)
        {
            arguments.AddRange(["-v", guest.CopiesInstallations
                ? $"{installation}:{ContainerGuestMachine.CopySource(installation)}:ro"
                : $"{installation}:{installation}:O"]);
        }
        // The image's own entrypoint (say, racket) must not receive our keep-alive as arguments. No --read-only
        // (nor read_only in our containers.conf): a Preinstalled Racket is in the image, so it is in the
        // container's own writable layer, written there and gone with the container like everything else.
        arguments.AddRange(["-w", session.WorkDirectory, "--entrypoint", "/bin/sh", image, "-c", KeepAlive]);

        var started = await guest.Cli.RunAsync(arguments, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        if (!started.Succeeded)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw guest.Error(ErrorCodes.GuestNotReady,
                $"`{guest.Cli.Tool} run` could not start a container from {guest.Spec.Image}{(started.TimedOut ? " within 2 minutes" : "")}: {ContainerCli.Brief(started.Output)}");
        }
        if (guest.CopiesInstallations)
        {
            foreach (var installation in installations)
            {
                await session.CopyInstallationAsync(installation, cancellationToken).ConfigureAwait(false);
            }
        }
        return session;
    }

    /// <summary>
    /// Copies an installed Racket from its read-only mount into the container's own layer, at the path it has
    /// on this machine. As root, so that the path's parents can be made and the files keep their owner, as
    /// they do through an overlay volume.
    /// </summary>
    private async Task CopyInstallationAsync(string installation, CancellationToken cancellationToken)
    {
        ChildProcessResult copied;
        try
        {
            copied = await Cli.RunAsync(["exec", "--user", "0", Name, "env", "-i", $"PATH={SearchPath}", "/bin/sh", "-c", "mkdir -p \"$2\" && cp -a \"$1/.\" \"$2\"", "sh",
                ContainerGuestMachine.CopySource(installation), installation], TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (!copied.Succeeded)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw _guest.Error(ErrorCodes.GuestNotReady,
                $"could not copy the Racket installation {installation} into the container {Name}{(copied.TimedOut ? " within 10 minutes" : "")} (the image needs mkdir and cp): {ContainerCli.Brief(copied.Output)}");
        }
    }

    public async Task<GuestRunResult> RunAsync(GuestCommand command, GuestRunOptions options, CancellationToken cancellationToken = default)
    {
        // env -i: the command sees only the session's environment, neither the image's nor this build's.
        var arguments = new List<string> { "exec", "-w", WorkDirectory, Name, "env", "-i" };
        arguments.AddRange(Environment(command).Select(e => $"{e.Key}={e.Value}"));
        arguments.AddRange(command.Argv);
        foreach (var argument in arguments)
        {
            ShellQuote.Quote(argument); // refuses what no process can receive
        }

        var clock = Stopwatch.StartNew();
        var result = await Cli.RunAsync(arguments, options, cancellationToken).ConfigureAwait(false);
        if (result.TimedOut)
        {
            // Killing the tool's client leaves the command running in the container. kill(-1) from inside
            // reaches every process there but PID 1 (the keep-alive, which then reaps them) and the caller.
            await Cli.RunAsync(["exec", Name, "/bin/sh", "-c", "kill -KILL -1"], TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
            return new GuestRunResult(-1, true, result.Output, clock.Elapsed) { Silent = result.Silent };
        }
        if (result.ExitCode != 0 && !await IsRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            // The tool's own failure (125) and the command's look alike; a container that is gone is ours.
            throw _guest.Error(ErrorCodes.GuestConnectionLost,
                $"the container {Name} is gone, so the command did not run to its end: {ContainerCli.Brief(result.Output)}");
        }
        return new GuestRunResult(result.ExitCode, false, result.Output, clock.Elapsed);
    }

    public Task CopyInAsync(string localFile, string relativePath, CancellationToken cancellationToken = default)
    {
        SessionDirectory.CopyIn(localFile, Root, relativePath);
        return Task.CompletedTask;
    }

    public Task CopyOutAsync(string relativePath, string localFile, CancellationToken cancellationToken = default)
    {
        SessionDirectory.CopyOut(Root, relativePath, localFile);
        return Task.CompletedTask;
    }

    /// <summary>Removes the container (and with it everything written outside the session) and the session directory.</summary>
    public async ValueTask DisposeAsync()
    {
        // Best effort: a container left here is removed by the guest's StopAsync, by its label.
        await Cli.RunAsync(["rm", "-f", Name], TimeSpan.FromMinutes(1), CancellationToken.None).ConfigureAwait(false);
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        var state = await Cli.RunAsync(["container", "inspect", "--format", "{{.State.Running}}", Name], TimeSpan.FromSeconds(30), cancellationToken)
            .ConfigureAwait(false);
        return state.Succeeded && state.Output.Trim() == "true";
    }

    private Dictionary<string, string> Environment(GuestCommand command)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = SearchPath,
            ["HOME"] = UserHome,
            ["PLTUSERHOME"] = UserHome,
            ["TMPDIR"] = Path.Combine(Root, "tmp"),
            ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in _guest.Spec.Env.Concat(command.Environment))
        {
            env[key] = value;
        }
        return env;
    }
}
