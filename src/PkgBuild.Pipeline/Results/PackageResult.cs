namespace PkgBuild.Pipeline.Results;

/// <summary>
/// One package's result: its outcome and the logs (paths relative to the results directory) that
/// pkg-build's summary names, plus what our report adds (times, the dependency that blocked it).
/// </summary>
public sealed record PackageResult
{
    public required string Package { get; init; }

    public required PackageOutcome Outcome { get; init; }

    public string? Author { get; init; }

    /// <summary>The install log when the install succeeded (pkg-build's success-log).</summary>
    public string? InstallLog { get; init; }

    /// <summary>The test log, when tests ran.</summary>
    public string? TestLog { get; init; }

    /// <summary>The dependency-check log, when <c>raco setup --check-pkg-deps</c> reported problems.</summary>
    public string? DependencyLog { get; init; }

    /// <summary>For <see cref="PackageOutcome.BlockedByDependency"/>: the failed dependency.</summary>
    public string? BlockedBy { get; init; }

    public TimeSpan Elapsed { get; init; }
}
