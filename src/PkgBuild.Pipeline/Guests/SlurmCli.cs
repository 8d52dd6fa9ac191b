using System.Globalization;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// Slurm's client commands as a Slurm guest runs them: each found once on the build's <c>PATH</c> (so a
/// missing one is PKB0631, named), run from an argument list with the build's environment (where
/// <c>SLURM_CONF</c> names the cluster) plus <paramref name="environment"/>.
/// </summary>
internal sealed partial class SlurmCli(GuestSpec spec, IReadOnlyDictionary<string, string?> environment)
{
    /// <summary>The commands a Slurm guest runs on this machine.</summary>
    public static IReadOnlyList<string> Commands { get; } = ["srun", "scancel", "scontrol", "sinfo", "squeue"];

    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string?> Environment => environment;

    /// <summary>Finds every command; throws PKB0631 naming those missing.</summary>
    public void Locate()
    {
        var path = environment.TryGetValue("PATH", out var p) ? p : System.Environment.GetEnvironmentVariable("PATH");
        var directories = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var missing = new List<string>();
        lock (_paths)
        {
            foreach (var command in Commands)
            {
                var found = directories.Select(d => Path.Combine(d, command)).FirstOrDefault(IsExecutable);
                if (found == null)
                {
                    missing.Add(command);
                }
                else
                {
                    _paths[command] = found;
                }
            }
        }
        if (missing.Count > 0)
        {
            throw new GuestException(ErrorCodes.SlurmCommandsMissing,
                $"PkgBuildGuest '{spec.Name}': the Slurm commands {string.Join(", ", missing)} are not on PATH ({path}). Run the build on a submit host of the cluster "
                + "(a login node), after `module load slurm` or the site's equivalent; a test machine: eng/slurm-cluster.sh install.", spec.Location);
        }
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>The full path of <paramref name="command"/> (<see cref="Locate"/> first).</summary>
    public string PathOf(string command)
    {
        lock (_paths)
        {
            if (_paths.Count == 0)
            {
                Locate();
            }
            return _paths[command];
        }
    }

    public Task<ChildProcessResult> RunAsync(string command, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken,
        Action<string>? onLine = null) =>
        ChildProcess.RunAsync(PathOf(command), arguments, new ChildProcessOptions { Timeout = timeout, Environment = environment, OnOutputLine = onLine, WorkingDirectory = "/" },
            cancellationToken);

    /// <summary>The options every job of the guest gets: partition, account, and the site's own.</summary>
    public IEnumerable<string> JobOptions()
    {
        if (spec.Partition != null)
        {
            yield return "--partition=" + spec.Partition;
        }
        if (spec.Account != null)
        {
            yield return "--account=" + spec.Account;
        }
        foreach (var argument in spec.SlurmArgs)
        {
            yield return argument;
        }
    }

    /// <summary>Cancels <paramref name="jobs"/> and waits (at most <paramref name="wait"/>) until none is in the queue any more.</summary>
    public async Task CancelAsync(IReadOnlyCollection<long> jobs, TimeSpan wait)
    {
        if (jobs.Count == 0)
        {
            return;
        }
        var ids = string.Join(',', jobs.Select(j => j.ToString(CultureInfo.InvariantCulture)));
        try
        {
            await RunAsync("scancel", ["--full", ids], TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is GuestException or FileNotFoundException or IOException)
        {
            // Nothing more can be done from here; the job's own time limit ends it.
            return;
        }
        await WaitGoneAsync(jobs, wait).ConfigureAwait(false);
    }

    /// <summary>Waits (at most <paramref name="wait"/>) until none of <paramref name="jobs"/> is in the queue.</summary>
    public async Task WaitGoneAsync(IReadOnlyCollection<long> jobs, TimeSpan wait)
    {
        var ids = string.Join(',', jobs.Select(j => j.ToString(CultureInfo.InvariantCulture)));
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < wait)
            {
                // An ended job stays in squeue while it completes (its processes signalled and reaped).
                var queue = await RunAsync("squeue", ["-h", "-o", "%i", "-j", ids], TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
                if (queue.Succeeded && queue.Output.Trim().Length == 0 || !queue.Succeeded && queue.Output.Contains("Invalid job id", StringComparison.Ordinal))
                {
                    return;
                }
                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is GuestException or FileNotFoundException or IOException)
        {
            // As above.
        }
    }

    /// <summary>Cancels <paramref name="job"/>'s steps but the first (the one holding the job), so that the job can end by itself.</summary>
    public async Task CancelStepsAsync(long job)
    {
        try
        {
            var steps = await RunAsync("squeue", ["-h", "-s", "-o", "%i", "-j", job.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30), CancellationToken.None)
                .ConfigureAwait(false);
            var others = steps.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(s => s.StartsWith($"{job.ToString(CultureInfo.InvariantCulture)}.", StringComparison.Ordinal) && s.Split('.')[1] is var n && n != "0" && n.All(char.IsAsciiDigit))
                .ToList();
            if (steps.Succeeded && others.Count > 0)
            {
                await RunAsync("scancel", others, TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is GuestException or FileNotFoundException or IOException)
        {
            // The job is then cancelled as a whole, when it does not end by itself.
        }
    }

    /// <summary>A job's state as <c>scontrol show job</c> says it (RUNNING, NODE_FAIL, CANCELLED, TIMEOUT...), with its reason and nodes.</summary>
    public async Task<(string State, string Reason, string Nodes)> JobStateAsync(long job)
    {
        var result = await RunAsync("scontrol", ["-o", "show", "job", job.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30), CancellationToken.None)
            .ConfigureAwait(false);
        string Field(string name) => Regex.Match(result.Output, $@"(?:^|\s){name}=(\S*)") is { Success: true } m ? m.Groups[1].Value : "";
        return result.Succeeded ? (Field("JobState"), Field("Reason"), Field("NodeList")) : ("UNKNOWN", result.Output.Trim(), "");
    }
}
