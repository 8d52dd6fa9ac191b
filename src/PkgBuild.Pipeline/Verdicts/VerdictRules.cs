using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>
/// How two results become a verdict. Only <see cref="PackageOutcome.Success"/> passes (a failed dependency
/// check fails, as a dependency problem does: pkg-build counts both as dep failures); a timeout or an
/// infrastructure failure on either side is spurious, since it says nothing about the change (crater's
/// rule). A candidate regression becomes <see cref="Verdict.Regressed"/> only when every confirmation
/// run fails with the change and passes without it; otherwise it is <see cref="Verdict.Flaky"/>. A package
/// failing on both sides failed differently (<see cref="Verdict.ChangedFailure"/>) when a different step
/// decided it, or its first errors differ in their normal form (<see cref="FirstError.Normal"/>); with
/// either first error unknown (a baseline's log elsewhere) or no step (blocked), it is still failing.
/// </summary>
public static class VerdictRules
{
    public static bool Passed(PackageOutcome outcome) => outcome == PackageOutcome.Success;

    public static bool Spurious(PackageOutcome outcome) => outcome is PackageOutcome.Timeout or PackageOutcome.InfrastructureFailure;

    /// <summary>The verdict before confirmation (a regression here is a candidate).</summary>
    public static Verdict Compare(PackageResult modified, PackageResult? baseline)
    {
        if (baseline == null)
        {
            return Verdict.New;
        }
        if (Spurious(modified.Outcome) || Spurious(baseline.Outcome))
        {
            return Verdict.Spurious;
        }
        return (Passed(baseline.Outcome), Passed(modified.Outcome)) switch
        {
            (true, true) => Verdict.StillPassing,
            (true, false) => Verdict.Regressed,
            (false, true) => Verdict.Fixed,
            (false, false) when FailedDifferently(modified, baseline) => Verdict.ChangedFailure,
            (false, false) => Verdict.StillFailing,
        };
    }

    public static bool FailedDifferently(PackageResult modified, PackageResult baseline) =>
        modified.Step != null && baseline.Step != null
        && (modified.Step != baseline.Step
            || modified.FirstError != null && baseline.FirstError != null && FirstError.Normal(modified.FirstError) != FirstError.Normal(baseline.FirstError));

    /// <summary>
    /// A candidate regression after its confirmation runs: regressed only if it reproduced every time. A run
    /// with a timeout or an infrastructure failure on either side says nothing either way and is not counted
    /// (with none left, the candidate stays a regression, unconfirmed).
    /// </summary>
    public static Verdict Confirm(IReadOnlyList<ConfirmRun> runs) =>
        runs.Where(r => !Spurious(r.Modified) && !Spurious(r.Baseline)).All(r => !Passed(r.Modified) && Passed(r.Baseline)) ? Verdict.Regressed : Verdict.Flaky;
}
