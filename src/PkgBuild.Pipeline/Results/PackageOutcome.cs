namespace PkgBuild.Pipeline.Results;

/// <summary>How one package ended, in the categories the report keeps apart.</summary>
public enum PackageOutcome
{
    Success,
    TestFailure,
    DependencyProblem,
    InstallFailure,
    BlockedByDependency,
    Timeout,
    InfrastructureFailure,
}
