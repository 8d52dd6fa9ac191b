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
/// --package</c>), each step within its limits and with its own log under <c>logs/&lt;pkg&gt;/</c> (run by
/// <see cref="RacoSteps"/>, in one Racket process by default). A successful install is packed
/// (<c>raco pkg create --from-install --built</c>) and published to the built catalog for the package's
/// dependents, who start while its own check and tests go on.
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
            var pack = packForDependents(package);
            // raco test stops a test file itself after its own limit (90 s in --drdr mode): a timeout too, not a failure.
            string? racoTimeout = null;
            var steps = new List<RacoStep>
            {
                new(RunSteps.Install, ["pkg", "install", "-u", "--auto", "--batch", "--jobs", Jobs, "--catalog", catalog, package], settings.InstallTimeout)
                    { StopOnFailure = true },
            };
            if (pack)
            {
                // --dest must exist: the work directory does, and it holds nothing named <pkg>.zip.
                steps.Add(new(RunSteps.Pack, ["pkg", "create", "--from-install", "--built", "--dest", session.WorkDirectory, package], settings.InstallTimeout)
                    { Optional = true });
            }
            steps.Add(new(RunSteps.CheckDeps, ["setup", "-nxiID", "--jobs", Jobs, "--check-pkg-deps", "--pkgs", package], settings.InstallTimeout));
            if (settings.RunTests)
            {
                steps.Add(new(RunSteps.Test, ["test", "--drdr", "--package", package], settings.TestTimeout)
                {
                    Watch = line => racoTimeout ??= RacoTestTimeout().IsMatch(line.Trim()) ? line.Trim() : null,
                });
            }

            var result = Result(PackageOutcome.Success, RunSteps.Install) with { InstallLog = Log(RunSteps.Install) };
            Task? publishing = null;
            var runner = new RacoSteps(settings, session, guest, Path.Combine(settings.ResultsDirectory, side.LogsDirectory, package), ServiceEnvironment);
            try
            {
                await foreach (var (step, ran) in runner.RunAsync(steps, cancellationToken).ConfigureAwait(false))
                {
                    switch (step.Name)
                    {
                        case RunSteps.Install when ran.TimedOut:
                            return result with { Outcome = PackageOutcome.Timeout, Message = RacoSteps.TimeoutMessage(ran, step.Timeout), Elapsed = clock.Elapsed };
                        case RunSteps.Install when ran.ExitCode is 125 or 126 or 127:
                            // env's own codes: the command could not be started (raco missing, the sandbox refused): not the package's doing.
                            return result with { Outcome = PackageOutcome.InfrastructureFailure, Message = $"raco could not be started in guest {guest.Name} (exit {ran.ExitCode})", Elapsed = clock.Elapsed };
                        case RunSteps.Install when ran.ExitCode != 0:
                            return result with { Outcome = PackageOutcome.InstallFailure, Elapsed = clock.Elapsed };
                        case RunSteps.Install when !pack:
                            installed();
                            break;
                        case RunSteps.Pack:
                            // Copied out while the steps after it go on; its dependents are released once it is published.
                            publishing = PublishBuiltAsync(session, package, ran.Succeeded, installed, cancellationToken);
                            break;
                        case RunSteps.CheckDeps when ran.TimedOut:
                            return result with { Outcome = PackageOutcome.Timeout, Step = RunSteps.CheckDeps, DependencyLog = Log(RunSteps.CheckDeps),
                                Message = RacoSteps.TimeoutMessage(ran, step.Timeout), Elapsed = clock.Elapsed };
                        case RunSteps.CheckDeps when ran.ExitCode != 0:
                            result = result with { Outcome = PackageOutcome.DependencyProblem, Step = RunSteps.CheckDeps, DependencyLog = Log(RunSteps.CheckDeps) };
                            break;
                        case RunSteps.Test:
                            result = result with { TestLog = Log(RunSteps.Test) };
                            if (ran.TimedOut || racoTimeout != null && ran.ExitCode != 0)
                            {
                                return result with
                                {
                                    Outcome = PackageOutcome.Timeout,
                                    Step = RunSteps.Test,
                                    Message = ran.TimedOut ? RacoSteps.TimeoutMessage(ran, step.Timeout) : $"raco test's own limit: {racoTimeout}",
                                    Elapsed = clock.Elapsed,
                                };
                            }
                            if (ran.ExitCode != 0)
                            {
                                result = result with { Outcome = PackageOutcome.TestFailure, Step = RunSteps.Test };
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

    /// <summary>
    /// Publishes the package packed compiled (<c>raco pkg create --from-install --built</c>) for its dependents,
    /// then releases them (<paramref name="installed"/>). Unpacked, they install it from the archive instead,
    /// compiling it again: slower, not wrong.
    /// </summary>
    private async Task PublishBuiltAsync(IGuestSession session, string package, bool packed, Action installed, CancellationToken cancellationToken)
    {
        string? local = null;
        try
        {
            if (packed && side.Archive[package] is { } entry)
            {
                local = Path.Combine(settings.StateDirectory, "built-incoming", $"{package}-{Guid.NewGuid():N}.zip");
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                await session.CopyOutAsync($"work/{package}.zip", local, cancellationToken).ConfigureAwait(false);
                built.Publish(package, local, entry);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not packed (the package made its zip a link or a FIFO, the connection went): that costs its dependents
            // time, not results. A lost guest still shows in the steps still running.
        }
        finally
        {
            installed(); // released now, not after the package's own checks: its dependents need only the install
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

    private string Jobs => settings.Jobs.ToString(CultureInfo.InvariantCulture);

}
