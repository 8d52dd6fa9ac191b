namespace PkgBuild.Testing.Slurm;

/// <summary>
/// A real two-node Slurm cluster on this machine, started by <c>eng/slurm-cluster.sh</c> in a directory of
/// its own and always stopped (by the script, which finds every daemon by its PID file) when disposed, also
/// when starting it failed half-way.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private static readonly Lazy<ProcessResult> Installed = new(() =>
        ProcessRunner.Run(Script, ["install"], timeout: TimeSpan.FromMinutes(15)));

    private readonly TempDirectory _dir = new("pkgbuild-slurm");
    private bool _stopped;

    private SlurmCluster()
    {
    }

    public static string Script => Path.Combine(RepositoryPaths.Root, "eng", "slurm-cluster.sh");

    /// <summary>The cluster's directory (configuration, logs, jobcomp.txt).</summary>
    public string Directory => _dir.Path;

    /// <summary>
    /// A directory the nodes do not see as this machine does: the daemons run in a mount namespace of their
    /// own with an empty tmpfs over it (made when started with <c>hideFromNodes</c>).
    /// </summary>
    public string NotShared => _dir.Combine("not-shared");

    /// <summary>
    /// Installs Slurm and munge if missing, then starts a cluster. <paramref name="hideFromNodes"/>: the
    /// daemons, and so every job, see an empty directory at <see cref="NotShared"/>.
    /// </summary>
    public static SlurmCluster Start(bool hideFromNodes = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var install = Installed.Value;
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"eng/slurm-cluster.sh install failed:\n{install.Output}");
        }
        var cluster = new SlurmCluster();
        try
        {
            System.IO.Directory.CreateDirectory(cluster.NotShared);
            var state = cluster._dir.Combine("state-dir");
            cluster.StateDirectory = state; // before starting: stop must run even when start fails or hangs
            var started = hideFromNodes
                ? ProcessRunner.Run("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                    "mount -t tmpfs -o size=1m pkgbuild-not-shared \"$1\" && exec \"$2\" start \"$3\"", "sh", cluster.NotShared, Script, state],
                    environment: settings, timeout: TimeSpan.FromMinutes(3))
                : ProcessRunner.Run(Script, ["start", state], environment: settings, timeout: TimeSpan.FromMinutes(3));
            if (started.ExitCode != 0)
            {
                throw new InvalidOperationException($"eng/slurm-cluster.sh start failed:\n{started.Output}");
            }
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>The script's directory for this cluster (etc/, log/, run/...).</summary>
    public string StateDirectory { get; private set; } = "";

    /// <summary>Runs a Slurm client command against this cluster.</summary>
    public ProcessResult Run(string command, params string[] arguments) =>
        ProcessRunner.Run(command, arguments, environment: new Dictionary<string, string?> { ["SLURM_CONF"] = ConfigurationFile }, timeout: TimeSpan.FromMinutes(1));

    private string ConfigurationFile => Path.Combine(StateDirectory, "etc", "slurm.conf");

    /// <summary>The client environment (SLURM_CONF) for this cluster.</summary>
    public IReadOnlyDictionary<string, string?> ClientEnvironment => new Dictionary<string, string?> { ["SLURM_CONF"] = ConfigurationFile };

    /// <summary>A copy of the configuration with <paramref name="edit"/> applied to each line: a client setup that is wrong in one way.</summary>
    public string ConfigurationVariant(string name, Func<string, string> edit)
    {
        var file = _dir.Combine(name + ".conf");
        File.WriteAllLines(file, File.ReadAllLines(ConfigurationFile).Select(edit));
        return file;
    }

    /// <summary>Job ids in the queue (running, pending or completing).</summary>
    public IReadOnlyList<string> Queue() =>
        Run("squeue", "-h", "-o", "%i %j").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The queue once it has emptied, or as it is after <paramref name="within"/>: a job whose step just
    /// returned is still COMPLETING for a moment (longer on a loaded machine), which is not a job left behind.
    /// </summary>
    public IReadOnlyList<string> QueueOnceSettled(TimeSpan? within = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var queue = Queue();
        while (queue.Count > 0 && clock.Elapsed < (within ?? TimeSpan.FromSeconds(20)))
        {
            Thread.Sleep(250);
            queue = Queue();
        }
        return queue;
    }

    /// <summary>Every finished job as <c>sacct -c</c> reads the completion file: id, name, nodes, state.</summary>
    public IReadOnlyList<(string Id, string Name, string Nodes, string State)> Completed() =>
        Run("sacct", "-c", "-n", "-P", "-o", "JobID,JobName,NodeList,State").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('|')).Where(f => f.Length >= 4).Select(f => (f[0], f[1], f[2], f[3])).ToList();

    /// <summary>A node failure: its slurmd and its jobs' processes SIGKILLed, the controller told nothing.</summary>
    public ProcessResult KillNode(string node) => ProcessRunner.Run(Script, ["kill-node", StateDirectory, node], timeout: TimeSpan.FromMinutes(1));

    public ProcessResult RestartNode(string node) => ProcessRunner.Run(Script, ["restart-node", StateDirectory, node], timeout: TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        if (!_stopped)
        {
            _stopped = true;
            if (StateDirectory.Length > 0 && System.IO.Directory.Exists(StateDirectory))
            {
                ProcessRunner.Run(Script, ["stop", StateDirectory], timeout: TimeSpan.FromMinutes(2));
            }
            _dir.Dispose();
        }
    }
}
