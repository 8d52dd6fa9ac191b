using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace PkgBuild.Pipeline.Processes;

/// <summary>
/// Starts every child process from one thread that lives as long as this process. Linux ties a child's
/// parent-death signal (bwrap's <c>--die-with-parent</c>, which kills a sandbox when the build dies) to the
/// thread that forked it, not the process: a child started from a pool thread that later retires, or from
/// a reader thread that ends, would be killed (SIGKILL, exit 137) in the middle of its work.
/// </summary>
internal static class Spawner
{
    private static readonly BlockingCollection<(Process Process, TaskCompletionSource<ExceptionDispatchInfo?> Done)> Requests = new();

    static Spawner()
    {
        var thread = new Thread(Serve) { IsBackground = true, Name = "pkgbuild-spawner" };
        thread.Start();
    }

    public static void Start(Process process)
    {
        var done = new TaskCompletionSource<ExceptionDispatchInfo?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((process, done));
        done.Task.GetAwaiter().GetResult()?.Throw();
    }

    private static void Serve()
    {
        foreach (var (process, done) in Requests.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                done.SetResult(null);
            }
            catch (Exception e)
            {
                done.SetResult(ExceptionDispatchInfo.Capture(e));
            }
        }
    }
}
