using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>
/// Every selected package's verdict from both sides' results and the confirmation runs: candidate
/// regressions confirmed or found flaky, packages blocked by a regressed dependency grouped under it
/// (the root cause), each ranked by how many packages depend on it.
/// </summary>
public static class VerdictBuilder
{
    /// <summary>The packages whose candidate regression needs confirmation runs (blocked ones are decided by their root).</summary>
    public static IReadOnlyList<string> Candidates(IReadOnlyDictionary<string, PackageResult> modified, IReadOnlyDictionary<string, PackageResult> baseline) =>
        modified.Values.Where(m => m.Outcome != PackageOutcome.BlockedByDependency
                && VerdictRules.Compare(m, baseline.GetValueOrDefault(m.Package)) == Verdict.Regressed)
            .Select(m => m.Package).Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<PackageVerdict> Build(PackageGraph graph, IReadOnlyDictionary<string, PackageResult> modified,
        IReadOnlyDictionary<string, PackageResult> baseline, IReadOnlyDictionary<string, IReadOnlyList<ConfirmRun>> confirmations,
        Func<PackageResult, PackageResult, LogDivergence?>? divergence = null)
    {
        var verdicts = new Dictionary<string, PackageVerdict>(StringComparer.Ordinal);
        // Everything but the blocked first: a blocked package's verdict depends on its root's.
        foreach (var m in modified.Values.Where(m => m.Outcome != PackageOutcome.BlockedByDependency))
        {
            var b = baseline.GetValueOrDefault(m.Package);
            var verdict = VerdictRules.Compare(m, b);
            var runs = confirmations.GetValueOrDefault(m.Package) ?? [];
            if (verdict == Verdict.Regressed && runs.Count > 0)
            {
                verdict = VerdictRules.Confirm(runs);
            }
            verdicts[m.Package] = Make(graph, m, b, verdict, runs, divergence);
        }
        foreach (var m in modified.Values.Where(m => m.Outcome == PackageOutcome.BlockedByDependency))
        {
            var b = baseline.GetValueOrDefault(m.Package);
            var verdict = VerdictRules.Compare(m, b);
            string? root = null;
            if (verdict == Verdict.Regressed)
            {
                // Passed before, blocked now: the dependency that broke is the regression, not this package.
                root = m.BlockedBy;
                verdict = root != null && verdicts.GetValueOrDefault(root)?.Verdict == Verdict.Regressed
                    ? Verdict.BlockedByRegression
                    : Verdict.Spurious; // blocked by something that is not a confirmed regression: says nothing of its own
            }
            verdicts[m.Package] = Make(graph, m, b, verdict, [], divergence) with { RootCause = root };
        }
        return verdicts.Values.OrderBy(v => Rank(v.Verdict)).ThenByDescending(v => v.Impact).ThenBy(v => v.Package, StringComparer.Ordinal).ToList();
    }

    /// <summary>The order the reports list verdicts in: what needs a person first.</summary>
    public static int Rank(Verdict verdict) => verdict switch
    {
        Verdict.Regressed => 0,
        Verdict.BlockedByRegression => 1,
        Verdict.Unconfirmed => 2,
        Verdict.Flaky => 3,
        Verdict.Spurious => 4,
        Verdict.Fixed => 5,
        Verdict.New => 6,
        Verdict.ChangedFailure => 7,
        Verdict.StillFailing => 8,
        _ => 9,
    };

    private static PackageVerdict Make(PackageGraph graph, PackageResult m, PackageResult? b, Verdict verdict, IReadOnlyList<ConfirmRun> runs,
        Func<PackageResult, PackageResult, LogDivergence?>? divergence) => new()
        {
            Package = m.Package,
            Verdict = verdict,
            Modified = m,
            Baseline = b,
            Confirmations = runs,
            Impact = graph.Contains(m.Package) ? graph.DependentsOf([m.Package]).Count - 1 : 0,
            Divergence = b != null && divergence != null && verdict is not (Verdict.StillPassing or Verdict.New) ? divergence(b, m) : null,
        };

    /// <summary>The packages blocked by each regressed root.</summary>
    public static ILookup<string, string> Blocked(IReadOnlyList<PackageVerdict> verdicts) =>
        verdicts.Where(v => v.Verdict == Verdict.BlockedByRegression && v.RootCause != null).ToLookup(v => v.RootCause!, v => v.Package);
}
