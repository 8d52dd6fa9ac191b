using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// How a Local guest keeps a package from this machine, with bubblewrap: new user, mount, PID, network,
/// IPC, UTS and cgroup namespaces (no network at all); this machine's file systems read-only; fresh
/// <c>/dev</c>, <c>/proc</c> and <c>/tmp</c>; <c>/root</c>, <c>/home</c>, <c>/run</c> (sockets, network
/// namespace handles) and the guests' own state (other sessions, keys) hidden under empty tmpfs; only the
/// session directory writable. Started as root, the package runs as <c>nobody</c>, so it can read only what
/// anyone may; started as another user, as that user. Without bubblewrap or user namespaces the guest
/// still gets fresh directories, and the build says so (PKB0612).
/// </summary>
public static class LocalIsolation
{
    /// <summary>The unprivileged identity packages run as when the build runs as root.</summary>
    public const int NobodyId = 65534;

    /// <summary>Whether the build has uid 0 (by id, not by name: uid 0 can be called anything).</summary>
    public static bool RunningAsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Processes of the sandbox user at once: stops a fork bomb long before it hurts the machine.</summary>
    public const int MaxProcesses = 4096;

    /// <summary>Each tmpfs inside the sandbox (/tmp, /dev/shm...): RAM, so bounded.</summary>
    public const long TmpfsBytes = 1L << 30;

    /// <summary>This machine's directories a sandbox covers with an empty tmpfs (plus the guests' state and the build's temp).</summary>
    public static IReadOnlyList<string> HiddenDirectories { get; } = ["/tmp", "/dev/shm", "/run", "/root", "/home"];

    /// <summary>A PATH as a sandboxed command sees it: without the directories <see cref="HiddenDirectories"/> covers.</summary>
    public static string VisiblePath(string path) =>
        string.Join(Path.PathSeparator, path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(d => !HiddenDirectories.Any(h => d == h || d.StartsWith(h + "/", StringComparison.Ordinal))));

    /// <summary>
    /// Address space per process when the guest sets no <c>MemoryMb</c>: a package that eats memory fails
    /// there instead of taking this machine's memory (Racket CS runs well within 1 GiB of it).
    /// </summary>
    public const int DefaultMemoryMb = 4096;

    /// <summary>The argv that runs <paramref name="command"/> isolated, working in <paramref name="workDirectory"/>.</summary>
    /// <param name="readOnly">Directories of this machine bound read-only at their own paths, above the hidden ones (the site, an installed Racket).</param>
    /// <param name="memoryMb">Each process's address space limit (RLIMIT_AS).</param>
    /// <param name="installation">The installation's directories, each mounted writable over its own layers with the session's upper layer (root only).</param>
    public static IReadOnlyList<string> Wrap(string session, string workDirectory, string hiddenState, IEnumerable<string> command,
        IEnumerable<string>? readOnly = null, int memoryMb = DefaultMemoryMb, int processes = MaxProcesses, IReadOnlyList<InstallationMount>? installation = null)
    {
        // env -i first: bwrap's own init (PID 1 in the sandbox, readable as /proc/1/environ by the package)
        // must not carry the build's environment, which may hold tokens.
        var bytes = (memoryMb * 1024L * 1024L).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var argv = new List<string> { "/usr/bin/env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "prlimit", $"--nproc={processes}" };
        if (memoryMb > 0)
        {
            argv.Add($"--as={bytes}");
        }
        argv.Add("--");
        var overlay = Path.Combine(session, InstallationOverlay.SessionDirectoryName);
        if (installation is { Count: > 0 })
        {
            argv.AddRange(InstallationOverlay.Prefix(overlay));
        }
        if (RunningAsRoot)
        {
            argv.AddRange(["setpriv", $"--reuid={NobodyId}", $"--regid={NobodyId}", "--clear-groups", "--"]);
        }
        var size = TmpfsBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        argv.AddRange(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]);
        foreach (var hidden in HiddenDirectories.Append(hiddenState).Concat(BuildTemp()))
        {
            argv.AddRange(["--size", size, "--tmpfs", hidden]);
        }
        foreach (var shared in readOnly ?? [])
        {
            argv.AddRange(["--ro-bind", shared, shared]);
        }
        argv.AddRange(["--bind", session, session]);
        if (installation is { Count: > 0 })
        {
            // The layers are the kernel's to manage while mounted; the package sees only the merged view.
            argv.AddRange(["--size", size, "--tmpfs", overlay]);
            foreach (var mount in installation)
            {
                argv.AddRange(["--bind", mount.Target, mount.Target]);
            }
        }
        argv.AddRange(
        [
            "--unshare-all",
            "--unshare-user", // --unshare-all only tries; the user namespace is required, and --disable-userns needs it
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--chdir", workDirectory,
            "--",
        ]);
        argv.AddRange(command);
        return argv;
    }

    /// <summary>The build's own temporary directory when it is not /tmp: its sockets and files are not the package's.</summary>
    private static IEnumerable<string> BuildTemp()
    {
        var temp = Path.TrimEndingDirectorySeparator(Path.GetTempPath());
        return temp is "/tmp" or "/dev/shm" or "" ? [] : [temp];
    }

    /// <summary>Null when isolation works here (checked by running it once), else why not.</summary>
    public static async Task<string?> ProbeAsync(string scratchParent, CancellationToken cancellationToken = default)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "namespaces are a Linux feature";
        }
        var probe = Path.Combine(scratchParent, $"probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(probe);
        try
        {
            await GiveToGuestAsync(probe, cancellationToken).ConfigureAwait(false);
            // Hide the guest's state directory as a real session does: bwrap mounts over it, so it must exist
            // (the system is read-only inside, so bwrap cannot make it).
            var argv = Wrap(probe, probe, scratchParent, ["/bin/true"]);
            var result = await ChildProcess.RunAsync(argv[0], argv.Skip(1), new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken)
                .ConfigureAwait(false);
            return result.Succeeded ? null
                : $"a trial run failed ({(result.TimedOut ? "no answer within 30 s" : $"exit {result.ExitCode}")}): {FirstLine(result.Output)}";
        }
        catch (FileNotFoundException e)
        {
            return $"{e.FileName ?? "bwrap"} is not installed (Debian/Ubuntu: apt-get install bubblewrap)";
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    /// <summary>
    /// When the build runs as root: the first directory from <c>/</c> down to <paramref name="directory"/> that
    /// the sandbox user cannot enter (asked of the system as that user, so ACLs count), or null. bwrap, run as
    /// that user, must reach every path it binds; the probe's error ("Can't find source path ... Permission
    /// denied") would not say which directory is in the way.
    /// </summary>
    public static async Task<string?> UnreachableDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (!RunningAsRoot || !OperatingSystem.IsLinux())
        {
            return null;
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var chain = new List<string>();
        for (var d = full; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            chain.Insert(0, d);
        }
        try
        {
            var result = await ChildProcess.RunAsync("setpriv",
                [$"--reuid={NobodyId}", $"--regid={NobodyId}", "--clear-groups", "--", "/bin/sh", "-c", "for d do [ -x \"$d\" ] || { printf %s \"$d\"; exit 1; }; done", "sh", .. chain],
                new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
            return result.ExitCode == 1 && chain.Contains(result.Output.Trim()) ? result.Output.Trim() : null;
        }
        catch (FileNotFoundException)
        {
            return null; // no setpriv: the probe says what is missing
        }
    }

    /// <summary>When packages run as nobody, their session must be theirs to write.</summary>
    public static async Task GiveToGuestAsync(string directory, CancellationToken cancellationToken)
    {
        if (!RunningAsRoot)
        {
            return;
        }
        var result = await ChildProcess.RunAsync("chown", ["-R", $"{NobodyId}:{NobodyId}", "--", directory],
            new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new IOException($"chown of {directory} failed: {result.Output.Trim()}");
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no output)";
        return line.Length > 200 ? line[..200] : line;
    }
}
