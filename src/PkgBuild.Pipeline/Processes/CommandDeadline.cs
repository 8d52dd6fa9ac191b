namespace PkgBuild.Pipeline.Processes;

/// <summary>
/// A command's deadline that its caller moves while it runs: one Racket process that runs a package's
/// raco commands one after another gives each its own time limit, counted from when that one starts.
/// </summary>
public sealed class CommandDeadline
{
    private readonly object _gate = new();
    private CancellationTokenSource? _limit;

    /// <summary>
    /// From now, the command has <paramref name="limit"/> left. False when its limit (the deadline or the
    /// silence watchdog) had already run out: it is being killed, and not for what comes after now.
    /// </summary>
    public bool Restart(TimeSpan limit)
    {
        lock (_gate)
        {
            try
            {
                if (_limit is { IsCancellationRequested: true })
                {
                    return false;
                }
                _limit?.CancelAfter(limit);
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false; // the command ended meanwhile
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
