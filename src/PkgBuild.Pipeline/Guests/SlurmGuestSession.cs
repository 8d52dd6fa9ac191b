using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One package's fresh guest on a Slurm cluster: one job, started at the first command by an <c>srun</c>
/// whose one task waits on its stdin (see <see cref="JobHolder"/>) and ended when the session is disposed by
/// closing that stdin (so the job ends COMPLETED), and a session directory under the
/// guest's <c>SharedDir</c> laid out as a Local session's (<c>work/</c>, <c>home/</c>, <c>tmp/</c>). Each
/// command is a job step (<c>srun --jobid</c>) on the job's node, inside the sandbox a Local guest uses
/// (<see cref="LocalIsolation.Wrap"/>); its output streams back through srun, line by line. A command past
/// its limit, or cancelled, has its step cancelled and its job ended (the next command gets a new one); a job
/// Slurm ended for its own reasons (a node failure, preemption, someone's scancel) throws PKB0638, an
/// infrastructure failure, and a failed node is left out of the build's later jobs.
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
    private JobHolder? _holder;

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

    /// <summary>The srun holding the session's job (null without a job).</summary>
    internal int? HolderProcessId
    {
        get
        {
            lock (_jobLock)
            {
                return _holder?.ProcessId;
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
        // own stderr (its errors, "Node failure on n1") goes to the session's srun log, read below. The task's
        // arguments reach srun as one quoted shell line: srun takes a lone ':' anywhere in its arguments, even
        // after '--', for the separator of a heterogeneous job.
        string[] srun =
        [
            "/bin/sh", "-c", "exec 2>>\"$0\"; exec \"$@\"", SrunLog,
            _guest.Cli.PathOf("srun"), $"--jobid={job.ToString(CultureInfo.InvariantCulture)}", "--overlap", "--unbuffered", "--quiet",
            "--nodes=1", "--ntasks=1", "--chdir=/", "--job-name=" + JobName, "--",
            "/bin/sh", "-c", $"exec 2>&1; cd {ShellQuote.Quote(_guest.Isolated ? "/" : WorkDirectory)} 2>/dev/null; exec {ShellQuote.Join(task)}",
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
            // Ctrl+C, or the SDK stops listening: killing srun does not end the step on the node; cancelling it does.
            await StopJobAsync().ConfigureAwait(false);
            throw;
        }
        if (result.TimedOut)
        {
            await StopJobAsync().ConfigureAwait(false);
            return new GuestRunResult(-1, true, result.Output, clock.Elapsed) { Silent = result.Silent };
        }
        var said = ReadSrunLog(before);
        if (said.Split('\n').Any(l => l.Trim().Length > 0 && !TaskExitLine().IsMatch(l)))
        {
            // srun exits 0 on a node failure: only the job's state tells.
            var (state, reason, nodes) = await _guest.Cli.JobStateAsync(job).ConfigureAwait(false);
            if (state == "TIMEOUT")
            {
                await AbandonJobAsync().ConfigureAwait(false);
                return new GuestRunResult(-1, true, result.Output + $"\nSlurm's time limit ({_guest.Spec.TimeLimitMinutes} min) ended job {job}.\n", clock.Elapsed);
            }
            if (state != "RUNNING" || said.Contains("CANCELLED", StringComparison.Ordinal) || said.Contains("Node failure", StringComparison.Ordinal))
            {
                await AbandonJobAsync().ConfigureAwait(false);
                if (state == "NODE_FAIL" || NodeFailureLine().Match(said) is { Success: true })
                {
                    _guest.NodeFailed(nodes.Length > 0 ? nodes : NodeFailureLine().Match(said).Groups[1].Value, job, _label);
                }
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

    /// <summary>The session's job, started at the first command (and again after a command that had its job cancelled).</summary>
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
                "--job-name=" + JobName, "--nodes=1", "--ntasks=1", "--unbuffered", "--chdir=/",
                $"--comment={_guest.JobComment} run={SafeName(run)} package={SafeName(_label)}",
            };
            if (_guest.Spec.MemoryMb is { } memory)
            {
                arguments.Add($"--mem={memory.ToString(CultureInfo.InvariantCulture)}");
            }
            if (_guest.Spec.TimeLimitMinutes is { } minutes)
            {
                arguments.Add($"--time={minutes.ToString(CultureInfo.InvariantCulture)}");
            }
            if (_guest.ExcludedNodes is { Count: > 0 } excluded)
            {
                arguments.Add("--exclude=" + string.Join(',', excluded));
            }
            arguments.AddRange(_guest.Cli.JobOptions());
            var holder = await JobHolder.StartAsync(_guest, arguments, cancellationToken).ConfigureAwait(false);
            if (holder.Job is not { } job)
            {
                await holder.DisposeAsync().ConfigureAwait(false);
                throw new GuestException(ErrorCodes.SlurmJobRefused,
                    $"PkgBuildGuest '{_guest.Spec.Name}': Slurm did not give {_label} a job (srun exit {holder.ExitCode}): {RacketInstall.Tail(holder.Said)}", _guest.Spec.Location);
            }
            lock (_jobLock)
            {
                (_job, _holder) = (job, holder);
            }
            return job;
        }
        finally
        {
            _allocating.Release();
        }
    }

    /// <summary>
    /// A command past its limit, or cancelled: its step is cancelled (killing srun leaves it running on the node), then the
    /// job ended as a finished session's is (COMPLETED: the SDK ended it), and waited for until it has left the queue.
    /// </summary>
    private async Task StopJobAsync()
    {
        var job = Job;
        if (job != null)
        {
            await _guest.Cli.CancelStepsAsync(job.Value).ConfigureAwait(false);
        }
        await EndJobAsync().ConfigureAwait(false);
        if (job != null)
        {
            await _guest.Cli.WaitGoneAsync([job.Value], TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
    }

    /// <summary>A job Slurm ended (a node failure, its time limit, someone's scancel): cancelled to be sure, its srun let go.</summary>
    private async Task AbandonJobAsync()
    {
        var (job, holder) = TakeJob();
        if (job != null)
        {
            await _guest.CancelAsync([job.Value]).ConfigureAwait(false);
        }
        if (holder != null)
        {
            await holder.DisposeAsync().ConfigureAwait(false);
        }
    }

    private (long? Job, JobHolder? Holder) TakeJob()
    {
        lock (_jobLock)
        {
            var taken = (_job, _holder);
            (_job, _holder) = (null, null);
            return taken;
        }
    }

    /// <summary>
    /// The session is done with its job: the holding task's stdin is closed, it exits, and the job ends
    /// COMPLETED; cancelled only when it does not end so within <see cref="JobHolder.EndWait"/>.
    /// </summary>
    private async Task EndJobAsync()
    {
        var (job, holder) = TakeJob();
        if (holder != null && job != null)
        {
            if (!await holder.EndAsync().ConfigureAwait(false))
            {
                await _guest.CancelAsync([job.Value]).ConfigureAwait(false);
            }
            else
            {
                _guest.Untrack(job.Value);
            }
            await holder.DisposeAsync().ConfigureAwait(false);
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

    [GeneratedRegex(@"Node failure on (\S+)")]
    private static partial Regex NodeFailureLine();

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
        await EndJobAsync().ConfigureAwait(false);
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

    /// <summary>
    /// The <c>srun</c> that starts a session's job and holds it: its one task prints the job id and waits
    /// on its stdin, which this process keeps open. Chosen over <c>salloc --no-shell</c> plus <c>scancel</c>
    /// because the job then ends by itself: closing stdin ends the task, and the job COMPLETES (sacct shows
    /// CANCELLED or NODE_FAIL only for real cancellations and failures); a build killed hard closes the pipe
    /// as it dies, and a dead <c>srun</c> (a rebooted submit host) has its job ended by Slurm within seconds.
    /// About 0.03 s to start against salloc's 0.01, 0.02 s to end against scancel's 0.013.
    /// </summary>
    internal sealed partial class JobHolder : IAsyncDisposable
    {
        /// <summary>How long an ended session waits for its job to end by itself before cancelling it.</summary>
        public static readonly TimeSpan EndWait = TimeSpan.FromSeconds(10);

        // On SIGTERM srun has the controller end the job at once, then waits a few seconds for the tasks before it exits.
        private static readonly TimeSpan TerminateWait = TimeSpan.FromSeconds(10);

        private const string Marker = "pkgbuild-job ";

        private readonly Process _process;
        private readonly Task[] _readers;
        private readonly System.Text.StringBuilder _said = new();
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private JobHolder(Process process, SlurmGuestMachine guest)
        {
            _process = process;
            _readers =
            [
                StreamLines.StartReading(process.StandardOutput.BaseStream, line =>
                {
                    if (line.StartsWith(Marker, StringComparison.Ordinal) && line[Marker.Length..].Split(' ') is [var id, ..]
                        && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var job))
                    {
                        Seen(guest, job);
                        Job = job;
                        _started.TrySetResult();
                    }
                }),
                StreamLines.StartReading(process.StandardError.BaseStream, line =>
                {
                    // "srun: job N queued and waiting for resources": known, it is cancelled even if killed waiting.
                    if (QueuedLine().Match(line) is { Success: true } m)
                    {
                        Seen(guest, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                    }
                    lock (_said)
                    {
                        if (_said.Length < 8192)
                        {
                            _said.AppendLine(line);
                        }
                    }
                }),
            ];
        }

        /// <summary>The job, once its task runs; null if srun ended without one.</summary>
        public long? Job { get; private set; }

        /// <summary>The job id as soon as Slurm named it (queued or running).</summary>
        public long? Submitted { get; private set; }

        public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

        public int ProcessId => _process.Id;

        /// <summary>What srun printed on its stderr (its errors, its queue messages).</summary>
        public string Said
        {
            get
            {
                lock (_said)
                {
                    return _said.ToString();
                }
            }
        }

        private void Seen(SlurmGuestMachine guest, long job)
        {
            if (Submitted == null)
            {
                Submitted = job;
                guest.Track(job);
            }
        }

        /// <summary>Starts the job; returns once its task runs, or srun has ended (refused: <see cref="Job"/> is null).</summary>
        public static async Task<JobHolder> StartAsync(SlurmGuestMachine guest, IEnumerable<string> options, CancellationToken cancellationToken)
        {
            var info = new ProcessStartInfo(guest.Cli.PathOf("srun"))
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = "/",
            };
            foreach (var argument in options.Concat(["--", "/bin/sh", "-c", $"echo \"{Marker}$SLURM_JOB_ID\"; read _; exit 0"]))
            {
                info.ArgumentList.Add(argument);
            }
            foreach (var (key, value) in guest.Cli.Environment)
            {
                if (value == null)
                {
                    info.Environment.Remove(key);
                }
                else
                {
                    info.Environment[key] = value;
                }
            }
            var process = new Process { StartInfo = info };
            Spawner.Start(process);
            var holder = new JobHolder(process, guest);
            try
            {
                await Task.WhenAny(holder._started.Task, process.WaitForExitAsync(CancellationToken.None)).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (holder.Submitted is { } queued)
                {
                    await guest.CancelAsync([queued]).ConfigureAwait(false);
                }
                await holder.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            if (holder.Job == null && holder.Submitted is { } refused)
            {
                await guest.CancelAsync([refused]).ConfigureAwait(false);
            }
            return holder;
        }

        /// <summary>Closes the task's stdin: true once srun has exited, the job ended by itself.</summary>
        public async Task<bool> EndAsync()
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // srun has gone already.
            }
            try
            {
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(EndWait).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        /// <summary>
        /// Ends srun with SIGTERM, on which it cancels its job and releases the allocation, and only then, if it
        /// has not exited, with SIGKILL: an srun killed between the controller's grant and the task's start
        /// (no id printed yet) leaves its job RUNNING with nothing in it, until its time limit.
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _ = Kill(_process.Id, SignalTerminate);
                var exited = _process.WaitForExitAsync(CancellationToken.None);
                if (await Task.WhenAny(exited, Task.Delay(TerminateWait, CancellationToken.None)).ConfigureAwait(false) != exited)
                {
                    try
                    {
                        _process.Kill(entireProcessTree: true);
                    }
                    catch (InvalidOperationException)
                    {
                        // It exited meanwhile.
                    }
                    await exited.ConfigureAwait(false);
                }
            }
            await Task.WhenAny(Task.WhenAll(_readers), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            _process.Dispose();
        }

        private const int SignalTerminate = 15;

        [DllImport("libc.so.6", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        [GeneratedRegex(@"^srun: job (\d+) queued")]
        private static partial Regex QueuedLine();
    }
}
