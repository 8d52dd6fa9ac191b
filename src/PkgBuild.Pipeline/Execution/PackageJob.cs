using System.Diagnostics;
using System.Globalization;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// One package in one fresh guest session, as pkg-build does it: install the package from the run's
/// catalog only (<c>raco pkg install -u --auto --batch --catalog</c>, <see cref="BuiltCatalog"/>), check
/// its dependency declarations (<c>raco setup --check-pkg-deps</c>), run its tests (<c>raco test --drdr
/// --package</c>), each step within its limits and with its own log under <c>logs/&lt;pkg&gt;/</c> (run by
/// <see cref="SeparateProcessSteps"/>, in one Racket process by default). A successful install is packed
/// (<c>raco pkg create --from-install --built</c>) and published to the built catalog for the package's
/// dependents, who start while its own check and tests go on.
/// </summary>
/// <param name="packForDependents">Whether a package is worth packing compiled (something depends on it).</param>
/// <param name="side">Which side's catalog the package installs from, and where its logs go.</param>
public sealed partial class PackageJob(RunSettings settings, RunSide side, BuiltCatalog built, Func<string, bool> packForDependents)
{
    /// <summary>Changes when the commands below change, so results of the old commands are redone.</summary>
    public const string CommandsVersion = "4";

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
        var logs = settings.Results.Resolve(Path.Combine(side.LogsDirectory, package));
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
            var pack = packForDependents(package);
            // raco test stops a test file itself after its own limit (90 s in --drdr mode): a timeout too, not a failure.
            string? racoTimeout = null;
            var check = new DependencyCheckOutput();
            var steps = new List<RacoStep>
            {
                new(StepNames.Install, ["pkg", "install", "-u", "--auto", "--batch", .. Jobs, "--catalog", catalog, package], settings.InstallTimeout)
                    { StopOnFailure = true },
            };
            if (pack)
            {
                // --dest must exist: the work directory does, and it holds nothing named <pkg>.zip.
                steps.Add(new(StepNames.Pack, ["pkg", "create", "--from-install", "--built", "--dest", session.WorkDirectory, package], settings.InstallTimeout)
                { Optional = true });
            }
            steps.Add(new(StepNames.CheckDeps, ["setup", "-nxiID", .. Jobs, "--check-pkg-deps", "--pkgs", package], settings.InstallTimeout)
            { Watch = check.Hear });
            if (settings.RunTests)
            {
                steps.Add(new(StepNames.Test, ["test", "--drdr", "--package", package], settings.TestTimeout)
                {
                    Watch = line => racoTimeout ??= RacoTestTimeout().IsMatch(line.Trim()) ? line.Trim() : null,
                });
            }

            // Step is the step that decides the outcome so far: each step that runs and passes moves a success on to it.
            var result = Result(PackageOutcome.Success, StepNames.Install) with { InstallLog = Log(StepNames.Install) };
            Task<string?>? publishing = null;
            var runner = new SeparateProcessSteps(settings, session, guest, settings.Results.Resolve(Path.Combine(side.LogsDirectory, package)), ServiceEnvironment);
            try
            {
                await foreach (var (step, ran) in runner.RunAsync(steps, cancellationToken).ConfigureAwait(false))
                {
                    switch (step.Name)
                    {
                        case not StepNames.Install when ran.ExitCode == 125 && !ran.TimedOut:
                            // The sandbox's own code for a command it could not set up (the installation's mounts): no raco step exits so.
                            return result with { Outcome = PackageOutcome.InfrastructureFailure, Step = step.Name, Message = $"the {step.Name} step could not be started in guest {guest.Name} (exit 125)", Elapsed = clock.Elapsed };
                        case StepNames.Install when ran.TimedOut:
                            return result with { Outcome = PackageOutcome.Timeout, Message = SeparateProcessSteps.TimeoutMessage(ran, step.Timeout), Elapsed = clock.Elapsed };
                        case StepNames.Install when ran.ExitCode is 125 or 126 or 127:
                            // env's own codes: the command could not be started (raco missing, the sandbox refused): not the package's doing.
                            return result with { Outcome = PackageOutcome.InfrastructureFailure, Message = $"raco could not be started in guest {guest.Name} (exit {ran.ExitCode})", Elapsed = clock.Elapsed };
                        case StepNames.Install when ran.ExitCode != 0:
                            return result with { Outcome = PackageOutcome.InstallFailure, Elapsed = clock.Elapsed };
                        case StepNames.Install when !pack:
                            installed();
                            break;
                        case StepNames.Pack:
                            // Copied out while the steps after it go on; its dependents are released once it is published.
                            publishing = PublishBuiltAsync(session, package, ran.Succeeded, installed, cancellationToken);
                            break;
                        case StepNames.CheckDeps when ran.TimedOut:
                            return result with
                            {
                                Outcome = PackageOutcome.Timeout,
                                Step = StepNames.CheckDeps,
                                DependencyLog = Log(StepNames.CheckDeps),
                                Message = SeparateProcessSteps.TimeoutMessage(ran, step.Timeout),
                                Elapsed = clock.Elapsed
                            };
                        case StepNames.CheckDeps when ran.ExitCode != 0 && check.ReportedProblems:
                            result = result with { Outcome = PackageOutcome.DependencyProblem, Step = StepNames.CheckDeps, DependencyLog = Log(StepNames.CheckDeps) };
                            break;
                        case StepNames.CheckDeps when ran.ExitCode != 0:
                            // Setup failed for some other reason (an error in the package's info.rkt, a read-only
                            // installation): not a missing deps entry, so not reported as one.
                            result = result with
                            {
                                Outcome = PackageOutcome.DependencyCheckFailure,
                                Step = StepNames.CheckDeps,
                                DependencyLog = Log(StepNames.CheckDeps),
                                Message = check.FirstError ?? $"raco setup exited with {ran.ExitCode}",
                            };
                            break;
                        case StepNames.CheckDeps:
                            // A success so far: decided here unless the tests decide.
                            result = result with { Step = StepNames.CheckDeps, DependencyLog = Log(StepNames.CheckDeps), DependencyCheckPassed = true };
                            break;
                        case StepNames.Test:
                            result = result with { TestLog = Log(StepNames.Test) };
                            if (ran.TimedOut || racoTimeout != null && ran.ExitCode != 0)
                            {
                                return result with
                                {
                                    Outcome = PackageOutcome.Timeout,
                                    Step = StepNames.Test,
                                    Message = ran.TimedOut ? SeparateProcessSteps.TimeoutMessage(ran, step.Timeout) : $"raco test's own limit: {racoTimeout}",
                                    Elapsed = clock.Elapsed,
                                };
                            }
                            if (ran.ExitCode != 0)
                            {
                                // The dependency check's message, if any, is not what this outcome is about.
                                result = result with { Outcome = PackageOutcome.TestFailure, Step = StepNames.Test, Message = null };
                            }
                            else if (result.Outcome == PackageOutcome.Success)
                            {
                                result = result with { Step = StepNames.Test }; // the last step that ran; a failed check stays decided by the check
                            }
                            break;
                    }
                }
            }
            finally
            {
                if (publishing != null)
                {
                    await publishing.ConfigureAwait(false); // before the session, and the zip in it, goes
                }
            }
            if (publishing != null && await publishing.ConfigureAwait(false) is { } refused)
            {
                // What the package left where its zip goes was a link or no plain file: the package's doing.
                result = result with { Outcome = PackageOutcome.InstallFailure, Step = StepNames.Pack, Message = refused };
            }
            return result with { Elapsed = clock.Elapsed, Finished = DateTimeOffset.UtcNow };
        }
        catch (GuestException e)
        {
            // The guest or its connection failed, not the package: retried, and reported apart.
            return Result(PackageOutcome.InfrastructureFailure, null) with { Message = $"{e.Code}: {e.Message}" };
        }
        catch (IOException e)
        {
            return Result(PackageOutcome.InfrastructureFailure, null) with { Message = $"{e.GetType().Name}: {e.Message}" };
        }
    }

    /// <summary>
    /// Publishes the package packed compiled (<c>raco pkg create --from-install --built</c>) for its dependents,
    /// then releases them (<paramref name="installed"/>). Unpacked, they install it from the archive instead,
    /// compiling it again: slower, not wrong. Returns why the zip was refused when the package put a link or
    /// something else than a plain file in its place; its dependents are then not released, so they are
    /// blocked by it once its result is in.
    /// </summary>
    private async Task<string?> PublishBuiltAsync(IGuestSession session, string package, bool packed, Action installed, CancellationToken cancellationToken)
    {
        string? local = null;
        var release = true;
        try
        {
            if (packed && side.Archive[package] is { } entry)
            {
                local = Path.Combine(settings.StateDirectory, "built-incoming", $"{package}-{Guid.NewGuid():N}.zip");
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                await session.CopyOutAsync($"work/{package}.zip", local, cancellationToken).ConfigureAwait(false);
                built.Publish(package, local, entry);
            }
            return null;
        }
        catch (UnsafeGuestFileException e)
        {
            release = false;
            return $"its packed zip was refused: {e.Message}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not packed (no zip, the connection went): that costs its dependents time, not results. A lost
            // guest still shows in the steps still running.
            return null;
        }
        finally
        {
            if (release)
            {
                installed(); // released now, not after the package's own checks: its dependents need only the install
            }
            if (local != null)
            {
                try
                {
                    File.Delete(local);
                }
                catch (IOException)
                {
                    // A leftover in the state directory, not a result.
                }
            }
        }
    }

    /// <summary>What raco test prints (an error from <c>raco test</c>) when a test file runs past its own limit.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^raco test: timeout after \d+ seconds?$")]
    private static partial System.Text.RegularExpressions.Regex RacoTestTimeout();

    /// <summary>
    /// <c>--jobs N</c> only when PkgBuildJobs is set: without it raco setup chooses, as under pkg-build, whose
    /// install command line has no such flag.
    /// </summary>
    private string[] Jobs => settings.Jobs is { } jobs ? ["--jobs", jobs.ToString(CultureInfo.InvariantCulture)] : [];

    /// <summary>
    /// Reads the output of <c>raco setup --check-pkg-deps</c> line by line: whether the checker reported a
    /// problem with the package's dependencies, and otherwise the first line that looks like an error.
    /// </summary>
    internal sealed class DependencyCheckOutput
    {
        private const string Setup = "raco setup: ";
        private const int MaxMessageChars = 200;

        // What the checker (setup/private/pkg-deps.rkt) prints, after setup's prefix, for each kind of problem
        // that makes it fail: an undeclared dependency, a dependency on a newer version than is installed, a
        // dependency that is not installed, a module two packages provide; and the header of the summary it
        // prints whenever there is one of those. Not "implied package is not declared as a dependency": the
        // checker prints that and still passes, so it is never why the step failed.
        private static readonly string[] Problems =
        [
            "found undeclared dependency:",
            "package depends on newer version:",
            "package not installed: ",
            "module provided by multiple packages:",
            "--- summary of package problems ---",
        ];

        private readonly object _gate = new();
        private bool _reported;
        private string? _firstError;

        public bool ReportedProblems
        {
            get
            {
                lock (_gate)
                {
                    return _reported;
                }
            }
        }

        /// <summary>The first line that looks like an error, cut to a couple of hundred characters.</summary>
        public string? FirstError
        {
            get
            {
                lock (_gate)
                {
                    return _firstError;
                }
            }
        }

        /// <summary>One line of the step's output; stdout's and stderr's readers may call it at once.</summary>
        public void Hear(string line)
        {
            var problem = line.StartsWith(Setup, StringComparison.Ordinal)
                && Problems.Any(p => line.AsSpan(Setup.Length).StartsWith(p, StringComparison.Ordinal));
            var error = !problem && ErrorLine().IsMatch(line);
            lock (_gate)
            {
                _reported |= problem;
                if (error && _firstError == null)
                {
                    var trimmed = line.TrimEnd();
                    _firstError = trimmed.Length <= MaxMessageChars ? trimmed : trimmed[..(MaxMessageChars - 1)] + "…";
                }
            }
        }
    }

    /// <summary>
    /// A line as Racket's error display starts one (<c>who: message</c>, <c>file:line:col: message</c>, unindented;
    /// setup's own status lines have a space in <c>raco setup</c> and never match), or setup's own error report.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:raco setup: (?:error|check failure): \S|[^\s\[]\S*: \S)")]
    private static partial System.Text.RegularExpressions.Regex ErrorLine();

}
