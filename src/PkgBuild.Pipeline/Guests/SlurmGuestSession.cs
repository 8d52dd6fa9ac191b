using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One package's fresh guest on a Slurm cluster: one job, a one-task allocation (<c>salloc --no-shell</c>)
/// made at the first command and cancelled when the session is disposed, and a session directory under the
/// guest's <c>SharedDir</c> laid out as a Local session's (<c>work/</c>, <c>home/</c>, <c>tmp/</c>). Each
/// command is a job step (<c>srun --jobid</c>) on the job's node, inside the sandbox a Local guest uses
/// (<see cref="LocalIsolation.Wrap"/>); its output streams back through srun, line by line. A command past
/// its limit, or cancelled, has its whole job cancelled (the next command gets a new one); a job Slurm ended
/// for its own reasons (a node failure, preemption, someone's scancel) throws PKB0638, an infrastructure
/// failure.
/// </summary>
public sealed partial class SlurmGuestSession : IGuestSession
{
    private readonly SlurmGuestMachine _guest;
    private readonly string _label;
    private readonly IReadOnlyList<string> _shared;
    private readonly IReadOnlyList<InstallationMount> _installation;
    private readonly SemaphoreSlim _allocating = new(1, 1);
    private readonly object _jobLock = new();
    private long? _job;

    private SlurmGuestSession(SlurmGuestMachine guest, string root, string label, IReadOnlyList<string> shared, IReadOnlyList<InstallationMount> installation, string? nodeLayers)
    {
        NodeLayers = installation.Count > 0 ? nodeLayers : null;
        _guest = guest;
        _label = label;
        _shared = shared;
        _installation = installation;
        Root = root;
    }

    public string Root { get; }

    /// <summary>Where the installation's writable layers are on the job's node (under NodeLocalDir), or null: in the session.</summary>
    public string? NodeLayers { get; }

    public string WorkDirectory => SandboxedSession.Work(Root);

    public string UserHome => SandboxedSession.Home(Root);

    /// <summary>The job the session's commands run in now (null before the first command, or after a cancelled one).</summary>
    public long? Job
    {
        get
        {
            lock (_jobLock)
            {
                return _job;
            }
        }
    }

    /// <summary>What srun itself says (its errors, the node failures): kept apart from the package's output, for the session's own checks.</summary>
    private string SrunLog => Path.Combine(Root, "srun.log");

    internal static async Task<SlurmGuestSession> CreateAsync(SlurmGuestMachine guest, string root, string label, IReadOnlyList<string> shared,
        IReadOnlyList<InstallationMount> installation, CancellationToken cancellationToken, string? nodeLayers = null)
    {
        var session = new SlurmGuestSession(guest, root, label, shared, guest.Isolated ? installation : [], nodeLayers);
        await SandboxedSession.PrepareAsync(root, guest.Isolated, session._installation, cancellationToken, session.NodeLayers).ConfigureAwait(false);
        return session;
    }

    public async Task<GuestRunResult> RunAsync(GuestCommand command, GuestRunOptions options, CancellationToken cancellationToken = default)
    {
        var argv = SandboxedSession.Argv(Environment(command), command.Argv);
        var task = _guest.Isolated
            ? LocalIsolation.Wrap(Root, WorkDirectory, _guest.HiddenState, argv, _shared, _guest.Spec.MemoryMb ?? LocalIsolation.DefaultMemoryMb,
                _guest.Spec.Processes ?? LocalIsolation.MaxProcesses, _installation)
            : argv;

        var clock = Stopwatch.StartNew();
        var job = await AllocateAsync(command, cancellationToken).ConfigureAwait(false);
        var before = File.Exists(SrunLog) ? new FileInfo(SrunLog).Length : 0;
        // The task joins its stderr to its stdout, so srun's stdout is the package's output, in order, and srun's
        // own stderr (its errors, "Node failure on n1") goes to the session's srun log, read below.
        string[] srun =
        [
            "/bin/sh", "-c", "exec 2>>\"$0\"; exec \"$@\"", SrunLog,
            _guest.Cli.PathOf("srun"), $"--jobid={job.ToString(CultureInfo.InvariantCulture)}", "--overlap", "--unbuffered", "--quiet",
            "--nodes=1", "--ntasks=1", "--chdir=/", "--job-name=" + JobName, "--",
            "/bin/sh", "-c", "exec 2>&1; cd \"$0\" 2>/dev/null; exec \"$@\"", _guest.Isolated ? "/" : WorkDirectory, .. task,
        ];
        var processOptions = new ChildProcessOptions
        {
            Timeout = options.Timeout,
            Deadline = options.Deadline,
            SilenceTimeout = options.SilenceTimeout,
            MaxOutputChars = options.MaxOutputChars,
            OnOutputLine = options.OnOutputLine,
            Environment = _guest.Cli.Environment,
            WorkingDirectory = "/",
        };
        ChildProcessResult result;
        try
        {
            result = await ChildProcess.RunAsync(srun[0], srun.Skip(1), processOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or the end of the build: killing srun does not end the step on the node; cancelling the job does.
            await CancelJobAsync().ConfigureAwait(false);
            throw;
        }
        if (result.TimedOut)
        {
            await CancelJobAsync().ConfigureAwait(false);
            return new GuestRunResult(-1, true, result.Output, clock.Elapsed) { Silent = result.Silent };
        }
        var said = ReadSrunLog(before);
        if (said.Split('\n').Any(l => l.Trim().Length > 0 && !TaskExitLine().IsMatch(l)))
        {
            // srun exits 0 on a node failure: only the job's state tells.
            var (state, reason, nodes) = await _guest.Cli.JobStateAsync(job).ConfigureAwait(false);
            if (state == "TIMEOUT")
            {
                await CancelJobAsync().ConfigureAwait(false);
                return new GuestRunResult(-1, true, result.Output + $"\nSlurm's time limit ({_guest.Spec.TimeLimitMinutes} min) ended job {job}.\n", clock.Elapsed);
            }
            if (state != "RUNNING" || said.Contains("CANCELLED", StringComparison.Ordinal) || said.Contains("Node failure", StringComparison.Ordinal))
            {
                await CancelJobAsync().ConfigureAwait(false);
                throw new GuestException(ErrorCodes.SlurmJobEnded,
                    $"PkgBuildGuest '{_guest.Spec.Name}': Slurm ended job {job} of {_label} on {(nodes.Length > 0 ? nodes : "its node")} ({state}{(reason is "" or "None" ? "" : ", " + reason)}): "
                    + RacketInstall.Tail(said), _guest.Spec.Location);
            }
        }
        return new GuestRunResult(result.ExitCode, false, result.Output, clock.Elapsed);
    }

    /// <summary>squeue's and sacct's name for the session's job and its steps: the package, and the build's id.</summary>
    private string JobName => $"pkgbuild.{_guest.BuildId}.{SafeName(_label)}";

    private static string SafeName(string label) => new(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').Take(64).ToArray());

    /// <summary>The session's job, allocated at the first command (and again after a command that had its job cancelled).</summary>
    private async Task<long> AllocateAsync(GuestCommand command, CancellationToken cancellationToken)
    {
        await _allocating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Job is { } running)
            {
                return running;
            }
            var run = command.Environment.TryGetValue("PKGBUILD_RUN", out var r) ? r : "";
            var arguments = new List<string>
            {
                "--no-shell", "--job-name=" + JobName, "--nodes=1", "--ntasks=1",
                $"--comment=pkgbuild build={_guest.BuildId} guest={_guest.Spec.Name} run={SafeName(run)} package={SafeName(_label)}",
            };
            if (_guest.Spec.MemoryMb is { } memory)
            {
                arguments.Add($"--mem={memory.ToString(CultureInfo.InvariantCulture)}");
            }
            if (_guest.Spec.TimeLimitMinutes is { } minutes)
            {
                arguments.Add($"--time={minutes.ToString(CultureInfo.InvariantCulture)}");
            }
            arguments.AddRange(_guest.Cli.JobOptions());
            long? job = null;
            ChildProcessResult result;
            try
            {
                // salloc names the job as soon as it is queued: known, it is cancelled even if salloc is killed waiting.
                result = await _guest.Cli.RunAsync("salloc", arguments, Timeout.InfiniteTimeSpan, cancellationToken, line =>
                {
                    if (job == null && SlurmCli.AllocatedJob(line) is { } id)
                    {
                        job = id;
                        _guest.Track(id);
                    }
                }).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (job is { } queued)
                {
                    await _guest.CancelAsync([queued]).ConfigureAwait(false);
                }
                throw;
            }
            if (!result.Succeeded || job == null || !result.Output.Contains("Granted job allocation", StringComparison.Ordinal))
            {
                if (job is { } refused)
                {
                    await _guest.CancelAsync([refused]).ConfigureAwait(false);
                }
                throw new GuestException(ErrorCodes.SlurmJobRefused,
                    $"PkgBuildGuest '{_guest.Spec.Name}': Slurm did not give {_label} a job (salloc exit {result.ExitCode}): {RacketInstall.Tail(result.Output)}", _guest.Spec.Location);
            }
            lock (_jobLock)
            {
                _job = job;
            }
            return job.Value;
        }
        finally
        {
            _allocating.Release();
        }
    }

    private async Task CancelJobAsync()
    {
        long? job;
        lock (_jobLock)
        {
            (job, _job) = (_job, null);
        }
        if (job != null)
        {
            await _guest.CancelAsync([job.Value]).ConfigureAwait(false);
        }
    }

    private string ReadSrunLog(long from)
    {
        if (!File.Exists(SrunLog))
        {
            return "";
        }
        using var stream = new FileStream(SrunLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.Length > 8192 ? text[^8192..] : text;
    }

    /// <summary>srun's line for a task that exited non-zero: the command's own failure, nothing of Slurm's.</summary>
    [GeneratedRegex(@"^srun: error: \S+: task \d+: Exited with exit code \d+\s*$")]
    private static partial Regex TaskExitLine();

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

    public async ValueTask DisposeAsync()
    {
        if (NodeLayers != null && Job is { } job)
        {
            await _guest.RemoveNodeLayersAsync(job, NodeLayers).ConfigureAwait(false);
        }
        await CancelJobAsync().ConfigureAwait(false);
        await SessionDirectory.DeleteAsync(Root).ConfigureAwait(false);
        _allocating.Dispose();
    }

    private Dictionary<string, string> Environment(GuestCommand command)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The node's PATH, not this machine's: the build may run where Racket lives elsewhere.
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = UserHome,
            ["PLTUSERHOME"] = UserHome,
            ["TMPDIR"] = _guest.Isolated ? "/tmp" : Path.Combine(Root, "tmp"),
            ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in _guest.Spec.Env.Concat(command.Environment))
        {
            env[key] = value;
        }
        return env;
    }
}
