using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Tests.Verdicts;

/// <summary>Short-hand results for the verdict tests.</summary>
internal static class Outcomes
{
    public const PackageOutcome Pass = PackageOutcome.Success;
    public const PackageOutcome TestFail = PackageOutcome.TestFailure;
    public const PackageOutcome DepFail = PackageOutcome.DependencyProblem;
    public const PackageOutcome DepCheckFail = PackageOutcome.DependencyCheckFailure;
    public const PackageOutcome InstallFail = PackageOutcome.InstallFailure;
    public const PackageOutcome Blocked = PackageOutcome.BlockedByDependency;
    public const PackageOutcome TimedOut = PackageOutcome.Timeout;
    public const PackageOutcome Infra = PackageOutcome.InfrastructureFailure;

    public static PackageResult R(string package, PackageOutcome outcome, string? blockedBy = null, string? author = null) => new()
    {
        Package = package,
        Outcome = outcome,
        BlockedBy = blockedBy,
        Author = author,
        InstallLog = outcome is PackageOutcome.BlockedByDependency or PackageOutcome.InfrastructureFailure ? null : $"logs/{package}/install.txt",
    };

    public static Dictionary<string, PackageResult> Side(params PackageResult[] results) =>
        results.ToDictionary(r => r.Package, StringComparer.Ordinal);
}
