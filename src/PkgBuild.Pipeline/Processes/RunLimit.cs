using System.Diagnostics;

namespace PkgBuild.Pipeline.Processes;

/// <summary>
/// The two limits on a command: a deadline, and a watchdog for silence (no output for too long, the mark
/// of a hung package). <see cref="Token"/> is cancelled when either runs out or the caller cancels;
/// <see cref="Heard"/> tells the watchdog that output arrived.
/// </summary>
public sealed class RunLimit : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationToken _caller;
    private readonly TimeSpan? _silence;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _watchdog;
    private readonly CommandDeadline? _deadline;
    private long _lastHeardTicks;
    private int _silent;

    public RunLimit(TimeSpan timeout, TimeSpan? silence, CancellationToken caller, CommandDeadline? deadline = null)
    {
        _caller = caller;
        _silence = silence is { } s && s > TimeSpan.Zero ? s : null;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _cancel.CancelAfter(timeout);
        _deadline = deadline;
        deadline?.Attach(_cancel);
        if (_silence is { } limit)
        {
            // A coarse tick, not a timer reset per line: a package that floods output must not pay per line.
            var tick = TimeSpan.FromMilliseconds(Math.Clamp(limit.TotalMilliseconds / 8, 50, 1000));
            _watchdog = new Timer(_ => Check(), null, tick, tick);
        }
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether the limit (not the caller) stopped the command.</summary>
    public bool Expired => _cancel.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>Whether it was the silence watchdog that stopped it.</summary>
    public bool Silent => Volatile.Read(ref _silent) == 1;

    public void Heard() => Volatile.Write(ref _lastHeardTicks, _clock.Elapsed.Ticks);

    private void Check()
    {
        var quiet = _clock.Elapsed - TimeSpan.FromTicks(Volatile.Read(ref _lastHeardTicks));
        if (quiet >= _silence!.Value && !_cancel.IsCancellationRequested)
        {
            Volatile.Write(ref _silent, 1);
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The command ended between the check and the cancel.
            }
        }
    }

    public void Dispose()
    {
        _deadline?.Detach();
        _watchdog?.Dispose();
        _cancel.Dispose();
    }
}
