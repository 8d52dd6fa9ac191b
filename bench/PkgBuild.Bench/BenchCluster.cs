using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing.Slurm;

/// <summary>
/// A private two-node Slurm cluster for one benchmark (the tests' <see cref="SlurmCluster"/>: started by
/// <c>eng/slurm-cluster.sh</c> in a directory of its own, stopped by its daemons' PIDs when disposed, also
/// when the benchmark fails or is stopped with Ctrl+C), and the Slurm guest on it.
/// </summary>
internal sealed class BenchCluster : IDisposable
{
    private readonly ConsoleCancelEventHandler _onCancel;

    private BenchCluster(SlurmCluster cluster)
    {
        Cluster = cluster;
        _onCancel = (_, _) => cluster.Dispose();
        Console.CancelKeyPress += _onCancel;
    }

    public SlurmCluster Cluster { get; }

    /// <summary>A started cluster, or null and why there is none here (not root, Slurm missing, a start that failed).</summary>
    public static (BenchCluster? Cluster, string? WhyNot) TryStart()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return (null, "not root: eng/slurm-cluster.sh start needs root");
        }
        try
        {
            return (new BenchCluster(SlurmCluster.Start()), null);
        }
        catch (Exception e)
        {
            // The script's output ends with the daemons' logs: the first and last lines say what failed.
            var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var why = lines.Length <= 2 ? string.Join(" ", lines) : $"{lines[0]} ... {lines[^1]}";
            return (null, (why.Length > 300 ? why[..300] + "..." : why).Replace('|', '/'));
        }
    }

    /// <summary>A Slurm guest on this cluster as a project would declare it; <paramref name="sharedDir"/> is seen alike by every node.</summary>
    public SlurmGuestMachine Guest(string name, string sharedDir, int parallelism, Action<PkgBuildException> warn) =>
        new(GuestSpec.Parse(name, new Dictionary<string, string>
        {
            ["Kind"] = "Slurm", ["SharedDir"] = sharedDir, ["Parallelism"] = parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }), warn, Cluster.ClientEnvironment);

    /// <summary>Jobs still queued once the queue had time to settle: a guest that leaves jobs behind.</summary>
    public IReadOnlyList<string> LeftBehind() => Cluster.QueueOnceSettled(TimeSpan.FromSeconds(20));

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        Cluster.Dispose();
    }
}
