using PkgBuild.Pipeline.Reports;

namespace PkgBuild.Pipeline.Results;

/// <summary>
/// One package's result: its outcome and the logs (paths relative to the results directory) that
/// pkg-build's summary names, plus what our report adds (times, the step that ended it, the dependency
/// that blocked it, the guest that ran it).
/// </summary>
public sealed record PackageResult
{
    public required string Package { get; init; }

    public required PackageOutcome Outcome { get; init; }

    public string? Author { get; init; }

    /// <summary>The install log (pkg-build's success-log, or failure-log when the install failed).</summary>
    public string? InstallLog { get; init; }

    /// <summary>The test log, when tests ran.</summary>
    public string? TestLog { get; init; }

    /// <summary>The dependency-check log, whenever <c>raco setup --check-pkg-deps</c> ran.</summary>
    public string? DependencyLog { get; init; }

    /// <summary>
    /// Whether the dependency check that wrote <see cref="DependencyLog"/> passed. Stored as "passed" so that
    /// results recorded when a dependency log meant a failed check still read as failed.
    /// </summary>
    public bool DependencyCheckPassed { get; init; }

    /// <summary>
    /// Whether the dependency check ran and failed (problems, another error or its time limit): what pkg-build
    /// gives a <c>dep-failure-log</c>, also when the tests then fail.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool DependencyCheckFailed => DependencyLog != null && !DependencyCheckPassed;

    /// <summary>For <see cref="PackageOutcome.BlockedByDependency"/>: the failed dependency at the root.</summary>
    public string? BlockedBy { get; init; }

    /// <summary>
    /// The step that decided the outcome (one of <see cref="StepNames"/>): for a success, the last step that
    /// ran (<c>test</c> when tests ran, else <c>check-deps</c>); for a failure or a timeout, the step that
    /// failed or ran past its limit (<c>archive</c> when the source could not be fetched, <c>pack</c> when the
    /// packed zip was refused); a dependency problem stays decided by <c>check-deps</c> whether or not its
    /// tests then pass. Null when no step decided it: blocked, or the guest failed outside any step. From a
    /// pkg-build summary (a baseline), what its logs tell. docs/outcomes.md says the same.
    /// </summary>
    public string? Step { get; init; }

    /// <summary>The guest that ran it.</summary>
    public string? Guest { get; init; }

    /// <summary>
    /// What went wrong, in a line: for outcomes that have no log of their own (infrastructure, blocked), a
    /// timeout's limit, and a failed dependency check's first error line.
    /// </summary>
    public string? Message { get; init; }

    /// <summary>
    /// For a failure: the first line of the deciding step's log that reads as an error, with the fields under
    /// it (<see cref="Verdicts.FirstError"/>), else its <see cref="Message"/>. Null when it passed or no log says.
    /// </summary>
    public string? FirstError { get; init; }

    /// <summary>
    /// What ended this package's earlier attempts in this build as infrastructure failures (a guest lost, a
    /// node that died), oldest first, each retried: the machine's, reported beside the result, never as it.
    /// Null when the first attempt gave the result.
    /// </summary>
    public IReadOnlyList<string>? InfrastructureFailures { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>When it finished (UTC).</summary>
    public DateTimeOffset Finished { get; init; }

    /// <summary>
    /// Whether the package got installed, so its dependents can be: what decides whether they are blocked.
    /// Only a timeout's <see cref="Step"/> counts (one in the install step installed nothing); a success is
    /// installed whatever its step.
    /// </summary>
    public bool Installed => Outcome is PackageOutcome.Success or PackageOutcome.TestFailure or PackageOutcome.DependencyProblem
        or PackageOutcome.DependencyCheckFailure
        || Outcome == PackageOutcome.Timeout && Step != StepNames.Install;
}
