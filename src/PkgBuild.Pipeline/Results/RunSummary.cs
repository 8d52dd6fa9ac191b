using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Results;

/// <summary>
/// What a run did: every selected package's result with the change (kept or new), how many were built
/// now, and, with a baseline, every package's verdict.
/// </summary>
public sealed record RunSummary(IReadOnlyList<PackageResult> Results, int Built, int Kept, TimeSpan Elapsed)
{
    /// <summary>The packages whose result was kept from an earlier build (<see cref="Kept"/> of them), not built now.</summary>
    public IReadOnlySet<string> KeptPackages { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Empty without a baseline.</summary>
    public IReadOnlyList<PackageVerdict> Verdicts { get; init; } = [];

    public int Count(PackageOutcome outcome) => Results.Count(r => r.Outcome == outcome);

    public IEnumerable<PackageResult> Failures => Results.Where(r => r.Outcome != PackageOutcome.Success && r.Outcome != PackageOutcome.InfrastructureFailure);
}
