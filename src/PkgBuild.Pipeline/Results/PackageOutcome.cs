namespace PkgBuild.Pipeline.Results;

/// <summary>How one package ended, in the categories the report keeps apart.</summary>
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
