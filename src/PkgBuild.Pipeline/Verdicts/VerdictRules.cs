using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>
/// How two results become a verdict. Only <see cref="PackageOutcome.Success"/> passes (a failed dependency
/// check fails, as a dependency problem does: pkg-build counts both as dep failures); a timeout or an
/// infrastructure failure on either side is spurious, since it says nothing about the change (crater's
/// rule). A candidate regression becomes <see cref="Verdict.Regressed"/> only when every confirmation
/// run that counts fails with the change and passes without it; otherwise it is <see cref="Verdict.Flaky"/>,
/// and with none that counts, <see cref="Verdict.Unconfirmed"/>. A package
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
    /// A candidate regression after its confirmation runs (at least one): regressed only if it reproduced
    /// every time. A run that does not <see cref="Counts"/> says nothing either way; with none that counts,
    /// the machine kept the candidate from being tried, and blaming the package would be a guess.
    /// </summary>
    public static Verdict Confirm(IReadOnlyList<ConfirmRun> runs)
    {
        var counted = runs.Where(Counts).ToList();
        if (counted.Count == 0)
        {
            return Verdict.Unconfirmed;
        }
        return counted.All(r => !Passed(r.Modified) && Passed(r.Baseline)) ? Verdict.Regressed : Verdict.Flaky;
    }

    /// <summary>Whether a confirmation run is evidence: no timeout or infrastructure failure on either side, and not <see cref="ConfirmRun.Spoiled"/>.</summary>
    public static bool Counts(ConfirmRun run) => !run.Spoiled && !Spurious(run.Modified) && !Spurious(run.Baseline);

    /// <summary>
    /// Whether a confirmation run of one side failed the way a machine fails, not the way the package does,
    /// against that side's <paramref name="recorded"/> result: a timeout or an infrastructure failure; an
    /// install failure of a package whose install succeeded before (its inputs are the same: a download or
    /// a disk went wrong); or, where the recorded run passed, a failure at another step than the one it
    /// ended at (a flaky test fails in the tests, not in <c>raco pkg install</c>). Only a failure in the
    /// same place is evidence that the result changes from run to run.
    /// </summary>
    public static bool Spoils(PackageResult run, PackageResult recorded) =>
        Spurious(run.Outcome)
        || run.Outcome == PackageOutcome.InstallFailure && recorded.Installed
        || Passed(recorded.Outcome) && !Passed(run.Outcome) && recorded.Step != null && run.Step != recorded.Step;
}
