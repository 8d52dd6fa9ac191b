namespace PkgBuild.Pipeline.Processes;

/// <summary>
/// A command's deadline that its caller moves while it runs: one Racket process that runs a package's
/// raco commands one after another gives each its own time limit, counted from when that one starts.
/// </summary>
public sealed class CommandDeadline
{
    private readonly object _gate = new();
    private CancellationTokenSource? _limit;

    /// <summary>From now, the command has <paramref name="limit"/> left (no effect once it has ended).</summary>
    public void Restart(TimeSpan limit)
    {
        lock (_gate)
        {
            try
            {
                _limit?.CancelAfter(limit);
            }
            catch (ObjectDisposedException)
            {
                // The command ended meanwhile.
            }
        }
    }

    internal void Attach(CancellationTokenSource limit)
    {
        lock (_gate)
        {
            _limit = limit;
        }
    }

    internal void Detach()
    {
        lock (_gate)
        {
            _limit = null;
        }
    }
}
