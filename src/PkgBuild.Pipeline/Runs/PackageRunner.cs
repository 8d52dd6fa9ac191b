using System.Diagnostics;
using System.Globalization;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Runs;

/// <summary>
/// One package in one fresh guest session, as pkg-build does it: install the package from the run's
/// catalog only (<c>raco pkg install -u --auto --batch --catalog</c>, <see cref="BuiltCatalog"/>), check
/// its dependency declarations (<c>raco setup --check-pkg-deps</c>), run its tests (<c>raco test --drdr
/// --package</c>), each step within its limits and with its own log under <c>logs/&lt;pkg&gt;/</c>. A
/// successful install is published to the built catalog for the package's dependents.
/// </summary>
/// <param name="packForDependents">Whether a package is worth packing compiled (something depends on it).</param>
/// <param name="side">Which side's catalog the package installs from, and where its logs go.</param>
public sealed partial class PackageRunner(RunSettings settings, RunSide side, BuiltCatalog built, Func<string, bool> packForDependents)
{
    /// <summary>Changes when the commands below change, so results of the old commands are redone.</summary>
    public const string CommandsVersion = "3";

    /// <summary>Named in the guest's environment as pkg-build names it, so packages can tell they are being built by a service.</summary>
    private Dictionary<string, string> ServiceEnvironment => new(StringComparer.Ordinal)
    {
        ["PLT_PKG_BUILD_SERVICE"] = "1",
        ["CI"] = "true",
        ["PLT_INFO_ALLOW_VARS"] = "PLT_PKG_BUILD_SERVICE",
        ["PKGBUILD_RUN"] = side.RunLabel,
    };

    public Task<PackageResult> RunAsync(string package, RunGuest guest, CancellationToken cancellationToken) =>
        RunAsync(package, guest, () => { }, cancellationToken);

    /// <summary>
    /// Builds and tests <paramref name="package"/>; calls <paramref name="installed"/> as soon as it is
    /// installed and packed, so that its dependents can start while its own checks and tests run.
    /// </summary>
    public async Task<PackageResult> RunAsync(string package, RunGuest guest, Action installed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var logs = Path.Combine(settings.ResultsDirectory, side.LogsDirectory, package);
        if (Directory.Exists(logs))
        {
            Directory.Delete(logs, recursive: true);
        }
        var author = side.Archive[package]?.Author;
        PackageResult Result(PackageOutcome outcome, string? step) => new()
        {
            Package = package,
            Outcome = outcome,
            Step = step,
            Author = author,
            Guest = guest.Name,
            Elapsed = clock.Elapsed,
            Finished = DateTimeOffset.UtcNow,
        };
        string Log(string step) => $"{side.LogsDirectory}/{package}/{step}.txt";

        try
        {
            await using var session = await guest.Machine.OpenSessionAsync(package, cancellationToken).ConfigureAwait(false);
            var catalog = $"{guest.Site.AbsoluteUri.TrimEnd('/')}/{side.BuiltDirectory}/catalog/";
            var install = await StepAsync(session, guest, package, RunSteps.Install, settings.InstallTimeout,
                Raco(guest, "pkg", "install", "-u", "--auto", "--batch", "--jobs", Jobs, "--catalog", catalog, package), cancellationToken).ConfigureAwait(false);
            var result = Result(PackageOutcome.Success, RunSteps.Install) with { InstallLog = Log(RunSteps.Install) };
            if (install.TimedOut)
            {
                return result with { Outcome = PackageOutcome.Timeout, Message = TimeoutMessage(install, settings.InstallTimeout), Elapsed = clock.Elapsed };
            }
            if (install.ExitCode is 125 or 126 or 127)
            {
                // env's own codes: the command could not be started (raco missing, the sandbox refused): not the package's doing.
                return result with { Outcome = PackageOutcome.InfrastructureFailure, Message = $"raco could not be started in guest {guest.Name} (exit {install.ExitCode})", Elapsed = clock.Elapsed };
            }
            if (install.ExitCode != 0)
            {
                return result with { Outcome = PackageOutcome.InstallFailure, Elapsed = clock.Elapsed };
            }
            if (packForDependents(package))
            {
                await PublishBuiltAsync(session, guest, package, cancellationToken).ConfigureAwait(false);
            }
            installed();

            var check = await StepAsync(session, guest, package, RunSteps.CheckDeps, settings.InstallTimeout,
                Raco(guest, "setup", "-nxiID", "--jobs", Jobs, "--check-pkg-deps", "--pkgs", package), cancellationToken).ConfigureAwait(false);
            if (check.TimedOut)
            {
                return result with { Outcome = PackageOutcome.Timeout, Step = RunSteps.CheckDeps, DependencyLog = Log(RunSteps.CheckDeps),
                    Message = TimeoutMessage(check, settings.InstallTimeout), Elapsed = clock.Elapsed };
            }
            if (check.ExitCode != 0)
            {
                result = result with { Outcome = PackageOutcome.DependencyProblem, Step = RunSteps.CheckDeps, DependencyLog = Log(RunSteps.CheckDeps) };
            }

            if (settings.RunTests)
            {
                // raco test stops a test file itself after its own limit (90 s in --drdr mode): a timeout too, not a failure.
                string? racoTimeout = null;
                var test = await StepAsync(session, guest, package, RunSteps.Test, settings.TestTimeout,
                    Raco(guest, "test", "--drdr", "--package", package), cancellationToken,
                    line => racoTimeout ??= RacoTestTimeout().IsMatch(line.Trim()) ? line.Trim() : null).ConfigureAwait(false);
                result = result with { TestLog = Log(RunSteps.Test) };
                if (test.TimedOut || racoTimeout != null && test.ExitCode != 0)
                {
                    return result with
                    {
                        Outcome = PackageOutcome.Timeout,
                        Step = RunSteps.Test,
                        Message = test.TimedOut ? TimeoutMessage(test, settings.TestTimeout) : $"raco test's own limit: {racoTimeout}",
                        Elapsed = clock.Elapsed,
                    };
                }
                if (test.ExitCode != 0)
                {
                    result = result with { Outcome = PackageOutcome.TestFailure, Step = RunSteps.Test };
                }
            }
            return result with { Elapsed = clock.Elapsed, Finished = DateTimeOffset.UtcNow };
        }
        catch (PkgBuildException e) when (e.Code.StartsWith("PKB06", StringComparison.Ordinal))
        {
            // The guest or its connection failed, not the package: retried, and reported apart.
            return Result(PackageOutcome.InfrastructureFailure, null) with { Message = $"{e.Code}: {e.Message}" };
        }
        catch (IOException e)
        {
            return Result(PackageOutcome.InfrastructureFailure, null) with { Message = $"{e.GetType().Name}: {e.Message}" };
        }
    }

    private async Task<GuestRunResult> StepAsync(IGuestSession session, RunGuest guest, string package, string step, TimeSpan timeout,
        GuestCommand command, CancellationToken cancellationToken, Action<string>? watch = null)
    {
        var path = Path.Combine(settings.ResultsDirectory, side.LogsDirectory, package, step + ".txt");
        using var log = new StepLog(path, settings.MaxLogBytes, $"$ {command}   [guest {guest.Name}, {DateTimeOffset.UtcNow:u}]");
        var result = await session.RunAsync(command, new GuestRunOptions
        {
            Timeout = timeout,
            SilenceTimeout = settings.SilenceTimeout,
            MaxOutputChars = 64 << 10, // the log keeps the output; the result needs only its end for messages
            OnOutputLine = watch == null ? log.Line : line =>
            {
                log.Line(line);
                watch(line);
            },
        }, cancellationToken).ConfigureAwait(false);
        var seconds = result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        log.Complete(result.TimedOut
            ? $"[pkgbuild: {step} stopped after {seconds} s: {TimeoutMessage(result, timeout)}; the command and every process it started were killed]"
            : $"[pkgbuild: {step} exited with {result.ExitCode} after {seconds} s]");
        return result;
    }

    /// <summary>Packs the installed package compiled (<c>raco pkg create --from-install --built</c>) for its dependents.</summary>
    private async Task PublishBuiltAsync(IGuestSession session, RunGuest guest, string package, CancellationToken cancellationToken)
    {
        // --dest must exist: the work directory does, and it holds nothing named <pkg>.zip.
        var created = await session.RunAsync(Raco(guest, "pkg", "create", "--from-install", "--built", "--dest", session.WorkDirectory, package),
            new GuestRunOptions { Timeout = settings.InstallTimeout, SilenceTimeout = settings.SilenceTimeout }, cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded || side.Archive[package] is not { } entry)
        {
            return; // dependents install it from the archive instead, compiling it again: slower, not wrong
        }
        var local = Path.Combine(settings.StateDirectory, "built-incoming", $"{package}-{Guid.NewGuid():N}.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        try
        {
            await session.CopyOutAsync($"work/{package}.zip", local, cancellationToken).ConfigureAwait(false);
            built.Publish(package, local, entry);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // The package made its zip something else (a link, a FIFO): it is not packed, which only costs its dependents time.
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <summary>What raco test prints (an error from <c>raco test</c>) when a test file runs past its own limit.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^raco test: timeout after \d+ seconds?$")]
    private static partial System.Text.RegularExpressions.Regex RacoTestTimeout();

    private string Jobs => settings.Jobs.ToString(CultureInfo.InvariantCulture);

    private GuestCommand Raco(RunGuest guest, params string[] arguments) =>
        new(guest.Raco, arguments) { Environment = ServiceEnvironment };

    private static string TimeoutMessage(GuestRunResult result, TimeSpan timeout) => result.Silent
        ? "no output for too long (PkgBuildSilenceTimeout)"
        : $"over its time limit of {timeout.TotalSeconds:0} s";
}
