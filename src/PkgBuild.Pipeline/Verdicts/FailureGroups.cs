using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>Failed packages that share one first error (its normal form, <see cref="FirstError.Normal"/>), as the reports show them.</summary>
/// <param name="Error">The normal form they share; null for the failures whose first error is not known.</param>
public sealed record FailureGroup(string? Error, IReadOnlyList<string> Packages);

/// <summary>
/// Failed packages grouped by their first error, so one root change breaking thirty packages shows as one
/// group of thirty: per side for results, per verdict for verdicts (by the first error with the change, or
/// without it for a fixed package). Largest groups first, then by error; packages in name order.
/// </summary>
public static class FailureGroups
{
    /// <summary>The failed results (timeouts and infrastructure failures are not the packages' errors, blocked ones have their own) grouped.</summary>
    public static IReadOnlyList<FailureGroup> Of(IEnumerable<PackageResult> results) =>
        Group(results.Where(Failed).Select(r => (r.Package, r.FirstError)));

    /// <summary>For each verdict that has failures, those grouped; verdicts in report order.</summary>
    public static IReadOnlyList<(Verdict Verdict, IReadOnlyList<FailureGroup> Groups)> Of(IEnumerable<PackageVerdict> verdicts) =>
        verdicts.Select(v => (v.Verdict, Failure: Failure(v)))
            .Where(x => x.Failure is { } f && Failed(f))
            .GroupBy(x => x.Verdict)
            .OrderBy(g => VerdictBuilder.Rank(g.Key))
            .Select(g => (g.Key, (IReadOnlyList<FailureGroup>)Group(g.Select(x => (x.Failure!.Package, x.Failure.FirstError)))))
            .ToList();

    /// <summary>The side whose failure a verdict is about: the modified one, unless only the baseline failed.</summary>
    private static PackageResult? Failure(PackageVerdict v) =>
        VerdictRules.Passed(v.Modified.Outcome) ? v.Baseline : v.Modified;

    private static bool Failed(PackageResult r) =>
        !VerdictRules.Passed(r.Outcome) && !VerdictRules.Spurious(r.Outcome) && r.Outcome != PackageOutcome.BlockedByDependency;

    private static List<FailureGroup> Group(IEnumerable<(string Package, string? Error)> failures) =>
        failures.GroupBy(f => f.Error is { } e ? FirstError.Normal(e) : null)
            .Select(g => new FailureGroup(g.Key, g.Select(f => f.Package).Order(StringComparer.Ordinal).ToList()))
            .OrderBy(g => g.Error == null)
            .ThenByDescending(g => g.Packages.Count)
            .ThenBy(g => g.Error, StringComparer.Ordinal)
            .ToList();
}
