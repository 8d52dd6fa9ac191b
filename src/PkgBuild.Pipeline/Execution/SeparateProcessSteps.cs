using System.Globalization;
using System.Runtime.CompilerServices;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// Runs a package's raco commands in its guest session in order, each with its own log and time limit,
/// and gives each one's result as soon as it ends (so a package can be published to its dependents while
/// its own checks go on). With <see cref="RunSettings.OneProcessPerPackage"/> they run in one Racket
/// process (<see cref="OneProcessSteps"/>); the steps that process never started, because it died (or
/// instantiated racket/gui/base, which a process can do once), are then run each in a process of its own,
/// as they are without it.
/// </summary>
/// <param name="environment">Set for every command on top of the session's (pkg-build's service variables).</param>
public sealed class SeparateProcessSteps(RunSettings settings, IGuestSession session, RunGuest guest, string logDirectory, IReadOnlyDictionary<string, string> environment)
{
    /// <summary>What a step's result keeps of its output (the log keeps it all): enough for messages.</summary>
    internal const int KeptOutputChars = 64 << 10;

    public async IAsyncEnumerable<(RacoStep Step, GuestRunResult Result)> RunAsync(IReadOnlyList<RacoStep> steps,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        string? note = null;
        if (settings.OneProcessPerPackage && steps.Count > 1)
        {
            var shared = new OneProcessSteps(settings, session, guest, logDirectory, environment);
            await foreach (var (step, result) in shared.RunAsync(steps, cancellationToken).ConfigureAwait(false))
            {
                yield return (step, result);
                next++;
                if (Ends(step, result))
                {
                    yield break;
                }
            }
            note = shared.EndedEarly;
        }
        for (; next < steps.Count; next++)
        {
            var step = steps[next];
            var result = await RunAloneAsync(step, note, cancellationToken).ConfigureAwait(false);
            yield return (step, result);
            if (Ends(step, result))
            {
                yield break;
            }
        }
    }

    /// <summary>Whether nothing runs after this: a time-out ends the package (unless the step is optional), as does a failed install.</summary>
    public static bool Ends(RacoStep step, GuestRunResult result) => result.TimedOut && !step.Optional || step.StopOnFailure && result.ExitCode != 0;

    /// <summary>A step's log's first line: raco's command line as pkg-build runs it, where, when, and whether in the shared process.</summary>
    internal static string Header(RunGuest guest, RacoStep step, bool shared) =>
        $"$ {new GuestCommand(guest.Raco, step.Arguments)}   [guest {guest.Name}, {DateTimeOffset.UtcNow:u}{(shared ? $"; not a process of its own: raco's front end (raco/main) ran these arguments in the package's one Racket process, {OneProcessSteps.DriverName}" : "")}]";

    internal static string Footer(RacoStep step, GuestRunResult result)
    {
        var seconds = result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return result.TimedOut
            ? $"[pkgbuild: {step.Name} stopped after {seconds} s: {TimeoutMessage(result, step.Timeout)}; the command and every process it started were killed]"
            : $"[pkgbuild: {step.Name} exited with {result.ExitCode} after {seconds} s]";
    }

    public static string TimeoutMessage(GuestRunResult result, TimeSpan timeout) => result.Silent
        ? "no output for too long (PkgBuildSilenceTimeout)"
        : $"over its time limit of {timeout.TotalSeconds:0} s";

    private async Task<GuestRunResult> RunAloneAsync(RacoStep step, string? note, CancellationToken cancellationToken)
    {
        var command = new GuestCommand(guest.Raco, step.Arguments) { Environment = environment };
        using var log = new StepLog(Path.Combine(logDirectory, step.Name + ".txt"), settings.MaxLogBytes, Header(guest, step, shared: false));
        if (note != null)
        {
            log.Line(note);
        }
        var result = await session.RunAsync(command, new GuestRunOptions
        {
            Timeout = step.Timeout,
            SilenceTimeout = settings.SilenceTimeout,
            MaxOutputChars = KeptOutputChars,
            OnOutputLine = step.Watch == null ? log.Line : line =>
            {
                log.Line(line);
                step.Watch(line);
            },
        }, cancellationToken).ConfigureAwait(false);
        log.Complete(Footer(step, result));
        return result;
    }
}
