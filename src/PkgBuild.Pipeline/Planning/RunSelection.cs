using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Planning;

/// <summary>What a run is asked to build, beyond its settings: PkgBuildScope, PkgBuildPackage, PkgBuildSkip, PkgBuildForce, PkgBuildRetryFailed.</summary>
public sealed record RunSelection
{
    public required RunScope Scope { get; init; }

    public IReadOnlyCollection<string> Packages { get; init; } = [];

    /// <summary>The packages the overrides changed (what <see cref="RunScope.Dependents"/> starts from).</summary>
    public IReadOnlyCollection<string> Overridden { get; init; } = [];

    public IReadOnlyCollection<string> Skip { get; init; } = [];

    public IReadOnlyCollection<string> Force { get; init; } = [];

    public bool RetryFailed { get; init; }

    /// <summary>Where an item naming a package was written, for errors.</summary>
    public Func<string, SourceLocation>? Locate { get; init; }

    /// <summary>The <c>PkgBuildOverride</c> item that changed a package, and where it was written: (name, location).</summary>
    public Func<string, (string Override, SourceLocation Location)>? LocateOverride { get; init; }
}
