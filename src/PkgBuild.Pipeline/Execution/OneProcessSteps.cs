using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// A package's raco commands run by <c>raco-steps.rkt</c> in one Racket process: each through raco's own
/// front end in a fresh namespace, without loading Racket's package and setup libraries once per command.
/// Reads the lines it prints around each command to split the output into the steps' logs, give each step
/// its own time limit from when it starts, and give each result as soon as that step ends. A step the
/// process was running when it died ends with it; the steps it never started run each alone.
/// </summary>
internal sealed class OneProcessSteps(RunSettings settings, IGuestSession session, RunGuest guest, string logDirectory,
    IReadOnlyDictionary<string, string> environment)
{
    internal const string DriverName = "raco-steps.rkt";
    private const int MaxUnclaimedLines = 200;

    private readonly object _gate = new();
    // Random per run: output that only happens to look like a marker is taken as output.
    private readonly string _marker = "pkgbuild-step-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
    private readonly Channel<(RacoStep Step, GuestRunResult Result)> _results =
        Channel.CreateUnbounded<(RacoStep, GuestRunResult)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CommandDeadline _deadline = new();
    private readonly Stopwatch _clock = new();
    private readonly List<string> _unclaimed = []; // output before the first step started: the driver's own errors
    private IReadOnlyList<RacoStep> _steps = [];
    private int _current = -1;
    private int _finished;
    private StepLog? _log;
    private OutputBuffer _output = new(0);
    private bool _emptyLineHeld; // the driver prints a newline before each exit marker: one empty line is its own
    private bool _ended;
    private bool _startedAfterLimit; // the current step began after the limit had run out: the kill is not its doing
    private Exception? _failed;
    private CancellationTokenSource? _abort;

    /// <summary>Why the steps after the last one given are left to processes of their own (null: none are).</summary>
    public string? EndedEarly { get; private set; }

    public async IAsyncEnumerable<(RacoStep Step, GuestRunResult Result)> RunAsync(IReadOnlyList<RacoStep> steps,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _steps = steps;
        await session.CopyInAsync(DriverFile(settings.StateDirectory), DriverName, cancellationToken).ConfigureAwait(false);
        // Stops the process when the caller stops listening, or when its logs cannot be written (Heard).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _abort = stop;
        var running = RunProcessAsync(stop.Token, cancellationToken);
        try
        {
            await foreach (var finished in _results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return finished;
            }
            await running.ConfigureAwait(false); // what went wrong with the guest, if anything
        }
        finally
        {
            if (!running.IsCompleted)
            {
                // The caller stopped listening (it failed, or was cancelled): the process must not outlive the session.
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await running.ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException || stop.IsCancellationRequested)
                {
                    // Stopped as asked.
                }
            }
        }
    }

    private async Task RunProcessAsync(CancellationToken stop, CancellationToken cancellationToken)
    {
        try
        {
            // stderr into stdout's pipe, as one stream: the markers on stdout then order every line of output. env -u:
            // the shell's own variables are not the command's (a raco run by env -i has neither).
            var arguments = new List<string>
            {
                "-c", "exec 2>&1; exec env -u PWD -u SHLVL \"$0\" \"$@\"",
                guest.Racket, "-N", guest.Raco, "-t", session.Root + "/" + DriverName, "--", _marker,
            };
            foreach (var step in _steps)
            {
                arguments.Add(step.StopOnFailure ? "stop" : "go");
                arguments.Add(step.Arguments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                arguments.AddRange(step.Arguments);
            }
            _clock.Start();
            GuestRunResult? result = null;
            try
            {
                result = await session.RunAsync(new GuestCommand("/bin/sh", arguments) { Environment = environment }, new GuestRunOptions
                {
                    Timeout = _steps[0].Timeout, // until the first step starts; each step's start moves it
                    Deadline = _deadline,
                    SilenceTimeout = settings.SilenceTimeout,
                    MaxOutputChars = 4 << 10, // the steps keep their own output
                    OnOutputLine = Heard,
                }, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_failed != null && !cancellationToken.IsCancellationRequested)
            {
                // Stopped below: the logs could not be written.
            }
            if (_failed != null)
            {
                throw new IOException($"The logs of the package's steps could not be written: {_failed.Message}", _failed);
            }
            Ended(result!);
        }
        finally
        {
            lock (_gate)
            {
                _ended = true;
                _log?.Dispose(); // a step the process did not finish and nobody reports: its log is not kept half-written
                _log = null;
            }
            _results.Writer.TryComplete();
        }
    }

    private void Heard(string line)
    {
        lock (_gate)
        {
            if (_ended || _failed != null)
            {
                return; // late output of something the process left behind
            }
            try
            {
                Read(line);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not thrown on the reader's thread: it would stop reading, and the full pipe would hang the process.
                // The process is stopped instead, and the package is an infrastructure failure.
                _failed = e;
                _ = _abort?.CancelAsync();
            }
        }
    }

    private void Read(string line)
    {
        var at = line.IndexOf(_marker, StringComparison.Ordinal);
        if (at < 0)
        {
            Output(line);
            return;
        }
        if (at > 0)
        {
            Output(line[..at]); // output of something else that ran on without a newline
        }
        var words = line[(at + _marker.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["start", var started] && int.TryParse(started, out var next) && next == _finished && _current < 0 && next < _steps.Count)
        {
            Start(next);
        }
        else if (words is ["exit", var ended, var code] && int.TryParse(ended, out var index) && index == _current
            && int.TryParse(code, out var exitCode))
        {
            _emptyLineHeld = false;
            Finish(new GuestRunResult(exitCode, false, _output.ToString(), _clock.Elapsed), null);
        }
        else
        {
            Output(line[at..]);
        }
    }

    private void Start(int index)
    {
        var step = _steps[index];
        _current = index;
        _startedAfterLimit = !_deadline.Restart(step.Timeout);
        _clock.Restart();
        _output = new OutputBuffer(SeparateProcessSteps.KeptOutputChars);
        _log = new StepLog(Path.Combine(logDirectory, step.Name + ".txt"), settings.MaxLogBytes, SeparateProcessSteps.Header(guest, step, shared: true));
        foreach (var line in _unclaimed)
        {
            _log.Line(line);
        }
        _unclaimed.Clear();
    }

    private void Output(string line)
    {
        if (_log == null)
        {
            if (_unclaimed.Count < MaxUnclaimedLines)
            {
                _unclaimed.Add(line);
            }
            return;
        }
        if (_emptyLineHeld)
        {
            _emptyLineHeld = false;
            Write("");
        }
        if (line.Length == 0)
        {
            _emptyLineHeld = true; // the driver's own, if the exit marker comes next
            return;
        }
        Write(line);
    }

    private void Write(string line)
    {
        _log!.Line(line);
        _output.AppendLine(line);
        _steps[_current].Watch?.Invoke(line);
    }

    private void Finish(GuestRunResult result, string? note)
    {
        var step = _steps[_current];
        if (_emptyLineHeld)
        {
            _emptyLineHeld = false;
            Write("");
        }
        if (note != null)
        {
            _log!.Line(note);
        }
        _log!.Complete(SeparateProcessSteps.Footer(step, result));
        _log = null;
        _current = -1;
        _finished++;
        _results.Writer.TryWrite((step, result));
    }

    /// <summary>
    /// The process ended. A step it was running ends with it: out of time, or with the process's exit code
    /// (it died: not run again, as an install cannot be run again on top of a half-done one). The steps it
    /// did not start are left to processes of their own.
    /// </summary>
    private void Ended(GuestRunResult process)
    {
        lock (_gate)
        {
            string why;
            if (_current >= 0 && process.TimedOut && _startedAfterLimit)
            {
                // The step before it ran out of time (or of silence) just as it ended: the kill came after this one began.
                why = $"out of time as {_steps[_current].Name} began";
                _log?.Dispose();
                _log = null;
                _current = -1;
            }
            else if (_current >= 0 && process.TimedOut)
            {
                why = $"when {_steps[_current].Name} ran out of time";
                Finish(new GuestRunResult(-1, true, _output.ToString(), _clock.Elapsed) { Silent = process.Silent }, null);
            }
            else if (_current >= 0)
            {
                why = $"during {_steps[_current].Name}";
                Finish(new GuestRunResult(process.ExitCode == 0 ? -1 : process.ExitCode, false, _output.ToString(), _clock.Elapsed),
                    $"[pkgbuild: the Racket process running this package's steps ended during {_steps[_current].Name} (exit {process.ExitCode}); this step ends with it]");
            }
            else
            {
                var where = _finished == 0 ? "before its first step" : "between steps";
                why = process.TimedOut ? $"out of time {where}" : where;
            }
            if (_finished == _steps.Count)
            {
                return;
            }
            var next = _steps[_finished].Name;
            var words = _unclaimed.Where(l => l.Length > 0).Take(5).ToList();
            var said = words.Count == 0 ? "" : $"; it said: {string.Join(" / ", words)}";
            EndedEarly = $"[pkgbuild: the Racket process running this package's steps ended {why} (exit {process.ExitCode}){said}; "
                + $"{next} and the steps after it run each in a process of its own]";
        }
    }

    private static readonly HashSet<string> Written = new(StringComparer.Ordinal);

    /// <summary>The driver, written (when it differs) once per state directory from this assembly's copy.</summary>
    private static string DriverFile(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, DriverName);
        lock (Written)
        {
            if (Written.Contains(path) && File.Exists(path))
            {
                return path;
            }
            using var stream = typeof(OneProcessSteps).Assembly.GetManifestResourceStream("PkgBuild.Pipeline." + DriverName)
                ?? throw new InvalidOperationException($"{DriverName} is missing from {typeof(OneProcessSteps).Assembly.GetName().Name}.");
            using var reader = new StreamReader(stream);
            Directory.CreateDirectory(stateDirectory);
            AtomicFile.WriteAllTextIfChanged(path, reader.ReadToEnd());
            Written.Add(path);
        }
        return path;
    }
}
