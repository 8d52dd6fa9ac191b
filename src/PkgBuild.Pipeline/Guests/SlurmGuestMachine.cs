using System.Globalization;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// A Slurm cluster as a guest: each package's session is a job on a compute node (see
/// <see cref="SlurmGuestSession"/>), sandboxed there as a Local guest is here, with its directory, the
/// Racket installs and the layers under <c>SharedDir</c>, which this machine and every node see at the same
/// path: the build reads logs and zips from there as files. Every job the guest submits is tracked, and
/// cancelled when the guest stops.
/// </summary>
/// <param name="environment">Set for every Slurm command on top of the build's own (<c>SLURM_CONF</c>, a <c>PATH</c>).</param>
public sealed class SlurmGuestMachine(GuestSpec spec, Action<PkgBuildException> warn, IReadOnlyDictionary<string, string?>? environment = null) : IGuestMachine
{
    private readonly List<string> _shared = [];
    private readonly HashSet<long> _jobs = [];
    private IReadOnlyList<InstallationMount> _installation = [];
    private IReadOnlyList<string> _nodes = [];

    public GuestSpec Spec { get; } = spec;

    internal SlurmCli Cli { get; } = new(spec, environment ?? new Dictionary<string, string?>());

    /// <summary>Names this build's jobs (<c>pkgbuild.&lt;id&gt;.&lt;package&gt;</c>) and its sessions' directory.</summary>
    public string BuildId { get; } = Guid.NewGuid().ToString("N")[..8];

    public string SharedDir { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(spec.SharedDir ?? throw new ArgumentException("A Slurm guest needs SharedDir.", nameof(spec))));

    /// <summary>The guest's own files in SharedDir: the installation's layers, probes.</summary>
    private string GuestDirectory => Path.Combine(SharedDir, "guests", Spec.Name);

    private string SessionsDirectory => Path.Combine(SharedDir, "sessions", BuildId);

    /// <summary>What a session's sandbox covers: all of SharedDir (other builds' and packages' sessions), but what is bound back.</summary>
    internal string HiddenState => SharedDir;

    /// <summary>Whether sessions run sandboxed on the nodes (known after the preflight).</summary>
    public bool Isolated { get; private set; }

    /// <summary>Whether each session gets the installation writable, over layers of its own (known after the preflight).</summary>
    public bool WritableInstallation { get; private set; }

    /// <summary>The nodes the preflight probed (up nodes of the partition, at most <see cref="ProbedNodes"/>).</summary>
    public IReadOnlyList<string> Nodes => _nodes;

    /// <summary>The jobs submitted and not yet ended by this guest.</summary>
    public IReadOnlyCollection<long> Jobs
    {
        get
        {
            lock (_jobs)
            {
                return _jobs.ToList();
            }
        }
    }

    /// <summary>How many nodes the preflight's probe job runs on: enough to catch a node set up unlike the others, few enough to start at once.</summary>
    public const int ProbedNodes = 4;

    internal void Track(long job)
    {
        lock (_jobs)
        {
            _jobs.Add(job);
        }
    }

    /// <summary>Cancels <paramref name="jobs"/> and waits until they have left the queue (a few seconds at most).</summary>
    internal async Task CancelAsync(IReadOnlyCollection<long> jobs)
    {
        await Cli.CancelAsync(jobs, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        lock (_jobs)
        {
            _jobs.ExceptWith(jobs);
        }
    }

    /// <summary>
    /// Checks, in order, each with its own code: the Slurm commands (PKB0631), the controller (PKB0632),
    /// munge (PKB0633), the partition and its nodes (PKB0634); then one probe job on up to
    /// <see cref="ProbedNodes"/> of its nodes checks SharedDir both ways (PKB0635), the limits (PKB0639) and
    /// the sandbox (PKB0637), and, as root, the installation's overlay (PKB0620, a warning).
    /// </summary>
    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        Cli.Locate();
        var ping = await Cli.RunAsync("scontrol", ["ping"], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (ping.Output.Contains("Munge", StringComparison.OrdinalIgnoreCase) || ping.Output.Contains("authentication error", StringComparison.Ordinal))
        {
            throw new GuestException(ErrorCodes.SlurmMungeFailed,
                $"PkgBuildGuest '{Spec.Name}': Slurm's authentication (munge) fails here: {RacketInstall.Tail(ping.Output)}. Start munged with the cluster's munge.key "
                + "(systemctl start munge); `munge -n | unmunge` must succeed.", Spec.Location);
        }
        if (!ping.Succeeded || !ping.Output.Contains(" is UP", StringComparison.Ordinal))
        {
            throw new GuestException(ErrorCodes.SlurmControllerUnreachable,
                $"PkgBuildGuest '{Spec.Name}': the Slurm controller does not answer (scontrol ping: {RacketInstall.Tail(ping.Output)}). Check that the cluster is up and that "
                + "SLURM_CONF (or /etc/slurm/slurm.conf) names it.", Spec.Location);
        }
        _nodes = await UpNodesAsync(cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(GuestDirectory);
        Directory.CreateDirectory(SessionsDirectory);
        await ProbeNodesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Up nodes of the partition (idle ones first); PKB0634 when it is missing or has none.</summary>
    private async Task<IReadOnlyList<string>> UpNodesAsync(CancellationToken cancellationToken)
    {
        var info = await Cli.RunAsync("sinfo", ["-h", "-N", "-o", "%N|%t|%P"], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (!info.Succeeded)
        {
            throw new GuestException(ErrorCodes.SlurmControllerUnreachable, $"PkgBuildGuest '{Spec.Name}': sinfo failed: {RacketInstall.Tail(info.Output)}", Spec.Location);
        }
        var rows = info.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|')).Where(f => f.Length == 3)
            .Select(f => (Node: f[0], Raw: f[1], State: f[1].TrimEnd('*', '~', '#', '!', '%', '$', '@', '^', '-'), Partition: f[2])).ToList();
        var partitions = rows.Select(r => r.Partition.TrimEnd('*')).Distinct(StringComparer.Ordinal).ToList();
        var partition = Spec.Partition ?? rows.Select(r => r.Partition).FirstOrDefault(p => p.EndsWith('*'))?.TrimEnd('*');
        if (partition == null || !partitions.Contains(partition))
        {
            throw new GuestException(ErrorCodes.SlurmPartitionUnusable,
                $"PkgBuildGuest '{Spec.Name}': the cluster has no partition '{partition ?? "(default)"}'; it has {(partitions.Count == 0 ? "none" : string.Join(", ", partitions))}. Set Partition to one of them.",
                Spec.Location);
        }
        // Only states that take jobs, not their flags (a trailing '*' is "not responding": not up).
        var up = rows.Where(r => r.Partition.TrimEnd('*') == partition && !r.Raw.EndsWith('*')
                && r.State is "idle" or "mix" or "mixed" or "alloc" or "allocated" or "comp" or "completing")
            .OrderBy(r => r.State == "idle" ? 0 : 1).Select(r => r.Node).Distinct(StringComparer.Ordinal).ToList();
        if (up.Count == 0)
        {
            throw new GuestException(ErrorCodes.SlurmPartitionUnusable,
                $"PkgBuildGuest '{Spec.Name}': no node of partition '{partition}' is up ({string.Join(", ", rows.Where(r => r.Partition.TrimEnd('*') == partition).Select(r => $"{r.Node} {r.State}"))}). "
                + "Resume them (scontrol update NodeName=... State=RESUME) or wait: sinfo -p " + partition + " must show one idle or mixed.", Spec.Location);
        }
        return up.Take(ProbedNodes).ToList();
    }

    // Run on each probed node: reads what this machine wrote in SharedDir and writes back; then runs the sandbox once.
    private const string ProbeScript =
        "d=$1 token=$2; shift 2; node=${SLURMD_NODENAME:-$(hostname)}; "
        + "if [ \"$(cat \"$d/to-nodes\" 2>/dev/null)\" = \"$token\" ] && echo \"$token\" > \"$d/from-$node\"; then echo \"shared $node ok\"; else echo \"shared $node missing\"; exit 0; fi; "
        + "if out=$(\"$@\" 2>&1); then echo \"isolation $node ok\"; else echo \"isolation $node failed $(printf '%s' \"$out\" | head -n 1)\"; fi";

    private async Task ProbeNodesAsync(CancellationToken cancellationToken)
    {
        var probe = Path.Combine(GuestDirectory, $"probe-{Guid.NewGuid():N}");
        var sandbox = Path.Combine(probe, "sandbox");
        Directory.CreateDirectory(sandbox);
        var token = Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllText(Path.Combine(probe, "to-nodes"), token);
            await LocalIsolation.GiveToGuestAsync(sandbox, cancellationToken).ConfigureAwait(false);
            var minutes = Math.Min(5, Spec.TimeLimitMinutes ?? 5).ToString(CultureInfo.InvariantCulture);
            var arguments = new List<string>
            {
                $"--nodes={_nodes.Count}", "--ntasks-per-node=1", "--nodelist=" + string.Join(',', _nodes), $"--job-name=pkgbuild.{BuildId}.preflight",
                $"--comment=pkgbuild build={BuildId} guest={Spec.Name} preflight", $"--time={minutes}", "--quiet", "--chdir=/",
            };
            if (Spec.MemoryMb is { } memory)
            {
                arguments.Add($"--mem={memory.ToString(CultureInfo.InvariantCulture)}");
            }
            arguments.AddRange(Cli.JobOptions());
            arguments.AddRange(["--", "/bin/sh", "-c", ProbeScript, "pkgbuild-probe", probe, token, .. LocalIsolation.Wrap(sandbox, sandbox, HiddenState, ["/bin/true"])]);
            var result = await Cli.RunAsync("srun", arguments, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            if (result.TimedOut)
            {
                await Cli.RunAsync("scancel", [$"--name=pkgbuild.{BuildId}.preflight"], TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
                throw new GuestException(ErrorCodes.SlurmPartitionUnusable,
                    $"PkgBuildGuest '{Spec.Name}': a probe job on {string.Join(", ", _nodes)} did not run within 2 minutes: the nodes are busy or do not start jobs.", Spec.Location);
            }
            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!lines.Any(l => l.StartsWith("shared ", StringComparison.Ordinal)))
            {
                throw new GuestException(ErrorCodes.SlurmJobRefused,
                    $"PkgBuildGuest '{Spec.Name}': Slurm did not run a probe job (srun exit {result.ExitCode}): {RacketInstall.Tail(result.Output)}. Check MemoryMb, TimeLimitMinutes, Account and SlurmArgs.",
                    Spec.Location);
            }
            var blind = _nodes.Where(n => !lines.Contains($"shared {n} ok") || !File.Exists(Path.Combine(probe, "from-" + n)) || File.ReadAllText(Path.Combine(probe, "from-" + n)).Trim() != token).ToList();
            if (blind.Count > 0)
            {
                throw new GuestException(ErrorCodes.SlurmSharedDirNotVisible,
                    $"PkgBuildGuest '{Spec.Name}': SharedDir {SharedDir} is not the same directory on node{(blind.Count > 1 ? "s" : "")} {string.Join(", ", blind)}: a probe job there did not read what "
                    + "this machine wrote, or this machine did not see what the job wrote. Set SharedDir to storage every node mounts at the same path (the shared home or scratch).", Spec.Location);
            }
            var failed = lines.Where(l => l.StartsWith("isolation ", StringComparison.Ordinal) && !l.EndsWith(" ok", StringComparison.Ordinal)).ToList();
            Isolated = failed.Count == 0 && lines.Count(l => l.StartsWith("isolation ", StringComparison.Ordinal)) == _nodes.Count;
            if (!Isolated)
            {
                var why = failed.Count > 0 ? string.Join("; ", failed.Select(l => l["isolation ".Length..])) : RacketInstall.Tail(result.Output);
                var message = $"PkgBuildGuest '{Spec.Name}': packages cannot be sandboxed on the nodes (bubblewrap or user namespaces: {why}): each package would still get a fresh directory and "
                    + "PLTUSERHOME, but could reach the network, read what this user can and change the node. Install bubblewrap on the nodes and allow user namespaces there.";
                if (LocalIsolation.RunningAsRoot)
                {
                    throw new GuestException(ErrorCodes.SlurmNodeIsolationUnavailable, message + " Refused: the jobs run as root.", Spec.Location);
                }
                warn(new GuestException(ErrorCodes.SlurmNodeIsolationUnavailable, message, Spec.Location));
                return;
            }
            WritableInstallation = await ProbeOverlayAsync(probe, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await SessionDirectory.DeleteAsync(probe, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a node mounts a session's overlay of the installation as sessions do (tried once, on the first node); PKB0620 said when not.</summary>
    private async Task<bool> ProbeOverlayAsync(string probe, CancellationToken cancellationToken)
    {
        var why = !LocalIsolation.RunningAsRoot ? "the jobs do not run as root, and only root can mount the overlay" : InstallationOverlay.Unusable(probe);
        if (why == null)
        {
            var lower = Path.Combine(probe, "lower");
            var target = Path.Combine(probe, "target");
            Directory.CreateDirectory(lower);
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(lower, "seen"), "");
            var overlay = Path.Combine(probe, InstallationOverlay.SessionDirectoryName);
            await InstallationOverlay.WriteTableAsync([new InstallationMount(target, [lower])], overlay, cancellationToken).ConfigureAwait(false);
            var check = $"test -e {ShellQuote.Quote(target)}/seen && touch {ShellQuote.Quote(target)}/written";
            var result = await Cli.RunAsync("srun", ["--nodes=1", "--ntasks=1", "--nodelist=" + _nodes[0], $"--job-name=pkgbuild.{BuildId}.preflight", "--time=5", "--quiet", "--chdir=/",
                .. Cli.JobOptions(), "--", .. InstallationOverlay.Prefix(overlay), "/bin/sh", "-c", check], TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            why = !result.Succeeded ? $"a trial overlay mount on {_nodes[0]} failed (exit {result.ExitCode}): {RacketInstall.Tail(result.Output)}"
                : File.Exists(Path.Combine(lower, "written")) || !File.Exists(Path.Combine(InstallationOverlay.Layers(overlay, 0).Upper, "written"))
                    ? "a trial overlay did not keep its writes in its own layer" : null;
        }
        if (why != null)
        {
            warn(new GuestException(ErrorCodes.GuestInstallationReadOnly,
                $"PkgBuildGuest '{Spec.Name}': packages see the Racket installation read-only ({why}): what raco writes there in a pkg-build VM (a meta package's shared files, "
                + "info caches, compiled/ directories) fails instead, and such packages fail for it.", Spec.Location));
        }
        return why == null;
    }

    /// <summary>Proves the guest ready: a command in a fresh session, as a job on a node.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await OpenSessionAsync("ready-check", cancellationToken).ConfigureAwait(false);
        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo ready"),
            new GuestRunOptions { Timeout = TimeSpan.FromMinutes(2) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded || result.Output.Trim() != "ready")
        {
            throw new GuestException(ErrorCodes.GuestNotReady,
                $"PkgBuildGuest '{Spec.Name}': a command in a fresh Slurm session did not run ({(result.TimedOut ? "no answer within 2 minutes" : $"exit {result.ExitCode}")}): {result.Output.Trim()}",
                Spec.Location);
        }
    }

    public async Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(SessionsDirectory, $"{SafeLabel(label)}-{Guid.NewGuid().ToString("N")[..12]}");
        IReadOnlyList<string> shared;
        lock (_shared)
        {
            shared = _shared.ToList();
        }
        return await SlurmGuestSession.CreateAsync(this, root, label, shared, _installation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sessions read the site as a <c>file://</c> catalog at its own path, bound read-only, so the nodes need
    /// no network path to this machine; a probe job checks that a node sees the directory (PKB0635).
    /// </summary>
    public async Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(siteDirectory));
        var marker = Path.Combine(full, $".pkgbuild-visible-{Guid.NewGuid():N}");
        File.WriteAllText(marker, "");
        try
        {
            var result = await Cli.RunAsync("srun", ["--nodes=1", "--ntasks=1", $"--job-name=pkgbuild.{BuildId}.site", "--time=5", "--quiet", "--chdir=/", .. Cli.JobOptions(),
                "--", "/bin/sh", "-c", "test -f \"$0\" && echo visible", marker], TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            if (result.Output.Trim() != "visible")
            {
                throw new GuestException(ErrorCodes.SlurmSharedDirNotVisible,
                    $"PkgBuildGuest '{Spec.Name}': the site's directory {full} is not visible from the nodes ({RacketInstall.Tail(result.Output)}). Keep the build's directory on storage every node "
                    + "mounts at the same path, as SharedDir is.", Spec.Location);
            }
        }
        finally
        {
            File.Delete(marker);
        }
        Share(full);
        return new Uri(full + "/");
    }

    /// <summary>
    /// Installed once per installer into <c>SharedDir/racket</c>, from this machine (the nodes read it there:
    /// one copy for the cluster); then checked to run on a node (PKB0636). Sessions see it as a Local guest's.
    /// </summary>
    public async Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default)
    {
        var directory = await RacketInstall.OnThisMachineAsync(installerFile, Path.Combine(SharedDir, "racket"), Spec, cancellationToken).ConfigureAwait(false);
        await CheckRacketOnNodesAsync(Path.Combine(directory, "bin", "racket"), cancellationToken).ConfigureAwait(false);
        await UseInstallationAsync([directory], cancellationToken).ConfigureAwait(false);
        return Path.Combine(directory, "bin", "raco");
    }

    /// <summary>The nodes' own Racket: checked to run on the probed nodes (PKB0636), then its directories seen by each session pristine and writable, as a Local guest's.</summary>
    public async Task UsePreinstalledRacketAsync(string racket, CancellationToken cancellationToken = default)
    {
        await CheckRacketOnNodesAsync(racket, cancellationToken).ConfigureAwait(false);
        if (!WritableInstallation)
        {
            return;
        }
        await UseInstallationAsync(await LocalGuestMachine.InstallationRootsAsync(this, racket, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckRacketOnNodesAsync(string racket, CancellationToken cancellationToken)
    {
        var nodes = _nodes.Count > 0 ? _nodes : ["(any)"];
        var placement = _nodes.Count > 0 ? new[] { $"--nodes={_nodes.Count}", "--ntasks-per-node=1", "--nodelist=" + string.Join(',', _nodes) } : ["--nodes=1", "--ntasks=1"];
        var result = await Cli.RunAsync("srun", [.. placement, $"--job-name=pkgbuild.{BuildId}.racket", "--time=5", "--quiet", "--chdir=/", .. Cli.JobOptions(), "--",
            "/usr/bin/env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "/bin/sh", "-c",
            "node=${SLURMD_NODENAME:-$(hostname)}; if out=$(\"$0\" -e '(display (version))' 2>&1); then echo \"racket $node ok $out\"; else echo \"racket $node failed $(printf '%s' \"$out\" | head -n 2 | tr '\\n' ' ')\"; fi",
            racket], TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("racket ", StringComparison.Ordinal)).ToList();
        if (lines.Count < nodes.Count || lines.Any(l => l.Split(' ') is [_, _, not "ok", ..]))
        {
            throw new GuestException(ErrorCodes.SlurmNodeRacketFailed,
                $"PkgBuildGuest '{Spec.Name}': {racket} does not run on the nodes: {(lines.Count > 0 ? string.Join("; ", lines.Where(l => !l.Contains(" ok ", StringComparison.Ordinal)).Select(l => l["racket ".Length..])) : RacketInstall.Tail(result.Output))}. "
                + "Install Racket on the nodes, or give the build an installer (PkgBuildRacket) to install into SharedDir.", Spec.Location);
        }
    }

    /// <summary>Sessions get <paramref name="roots"/> writable over a layer of their own, as Local sessions do (read-only where the nodes cannot mount one).</summary>
    private async Task UseInstallationAsync(IReadOnlyList<string> roots, CancellationToken cancellationToken)
    {
        var unusable = roots.Select(InstallationOverlay.Unusable).FirstOrDefault(w => w != null) ?? InstallationOverlay.Unusable(GuestDirectory);
        if (!WritableInstallation || unusable != null)
        {
            foreach (var root in roots)
            {
                Share(root);
            }
            return;
        }
        var mounts = new List<InstallationMount>();
        for (var i = 0; i < roots.Count; i++)
        {
            var layer = Path.Combine(GuestDirectory, "installation", i.ToString(CultureInfo.InvariantCulture));
            var owned = await InstallationOverlay.OwnershipLayerAsync(roots[i], layer, LocalGuestMachine.Fingerprint(roots[i]), cancellationToken).ConfigureAwait(false);
            mounts.Add(new InstallationMount(roots[i], [owned, roots[i]]));
        }
        _installation = mounts;
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

    /// <summary>Cancels every job the guest submitted that has not ended, then removes this build's sessions.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var jobs = Jobs;
        if (jobs.Count > 0)
        {
            await CancelAsync(jobs).ConfigureAwait(false);
        }
        await SessionDirectory.DeleteAsync(SessionsDirectory, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static string SafeLabel(string label) =>
        new(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(64).ToArray());
}
