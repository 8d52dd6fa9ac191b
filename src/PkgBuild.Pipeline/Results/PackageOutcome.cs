using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Results;

/// <summary>How one package ended, in the categories the report keeps apart; its words are in <see cref="OutcomeTerms"/>.</summary>
public enum PackageOutcome
{
    Success,
    TestFailure,

    /// <summary><c>raco setup --check-pkg-deps</c> reported problems with the package's declared dependencies.</summary>
    DependencyProblem,

    /// <summary>
    /// <c>raco setup --check-pkg-deps</c> failed without reporting a dependency problem (setup itself failed):
    /// kept apart so that nobody goes looking for a missing <c>deps</c> entry.
    /// </summary>
    DependencyCheckFailure,
    InstallFailure,
    BlockedByDependency,
    Timeout,
    InfrastructureFailure,
}

/// <summary>
/// The one table of what each <see cref="PackageOutcome"/> is called: its spelling for machines (item
/// metadata <c>Result</c>, <c>Modified</c>, <c>Baseline</c>; summary.json, results.json, the journal, CSS
/// classes) and its label for people (console, report.html, report.md). What is particular to one package
/// (the dependency that blocked it, a timeout's limit) is never in either: it is in <see cref="PackageResult.BlockedBy"/>
/// and <see cref="PackageResult.Message"/>. docs/outcomes.md lists the same table.
/// </summary>
/// <remarks>
/// Each spelling is the kebab-case of the value's name, as the JSON files spelled outcomes before this table
/// (<c>JsonStringEnumConverter</c> with kebab-case): journals and confirmations written then read unchanged.
/// </remarks>
public static class OutcomeTerms
{
    public static Terms<PackageOutcome> Terms { get; } = new(
    [
        new(PackageOutcome.Success, "success", "success",
            "Installed, its dependency declarations checked, and its tests (when run) passed."),
        new(PackageOutcome.TestFailure, "test-failure", "test failure",
            "Installed, but `raco test` failed."),
        new(PackageOutcome.DependencyProblem, "dependency-problem", "dependency problem",
            "`raco setup --check-pkg-deps` reported a problem with the declared dependencies (an undeclared one, a newer version, one not installed, a module two packages provide)."),
        new(PackageOutcome.DependencyCheckFailure, "dependency-check-failure", "dependency check failure",
            "`raco setup --check-pkg-deps` failed without reporting a dependency problem (setup itself failed); the message is the log's first error line."),
        new(PackageOutcome.InstallFailure, "install-failure", "install failure",
            "`raco pkg install` failed, the source could not be fetched into the archive, or the packed package was refused."),
        new(PackageOutcome.BlockedByDependency, "blocked-by-dependency", "blocked by a dependency",
            "Not built: a dependency did not install (the root failure is in `BlockedBy`)."),
        new(PackageOutcome.Timeout, "timeout", "timeout",
            "A step ran past its limit (`PkgBuildInstallTimeout`, `PkgBuildTestTimeout`, `PkgBuildSilenceTimeout`, or `raco test`'s own)."),
        new(PackageOutcome.InfrastructureFailure, "infrastructure-failure", "infrastructure failure",
            "The guest or its connection failed, even after retries: not the package's, reported apart, built again next time."),
    ]);

    /// <summary>How machines read it: <c>blocked-by-dependency</c>.</summary>
    public static string Spelling(this PackageOutcome outcome) => Terms[outcome].Spelling;

    /// <summary>How people read it: <c>blocked by a dependency</c>.</summary>
    public static string Label(this PackageOutcome outcome) => Terms[outcome].Label;
}
