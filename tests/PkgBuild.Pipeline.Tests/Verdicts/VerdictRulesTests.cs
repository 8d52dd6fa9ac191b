using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using static PkgBuild.Pipeline.Tests.Verdicts.Outcomes;

namespace PkgBuild.Pipeline.Tests.Verdicts;

public sealed class VerdictRulesTests
{
    // Rows: baseline outcome; columns: modified outcome, both in the order
    // Success, TestFailure, DependencyProblem, DependencyCheckFailure, InstallFailure, BlockedByDependency, TimedOut,
    // InfrastructureFailure.
    // P = still passing, R = regressed, F = fixed, X = still failing, S = spurious.
    private static readonly string[] Table =
    [
        "PRRRRRSS", // Success
        "FXXXXXSS", // TestFailure
        "FXXXXXSS", // DependencyProblem
        "FXXXXXSS", // DependencyCheckFailure
        "FXXXXXSS", // InstallFailure
        "FXXXXXSS", // BlockedByDependency
        "SSSSSSSS", // Timeout
        "SSSSSSSS", // InfrastructureFailure
    ];

    private static readonly PackageOutcome[] Order =
        [Pass, TestFail, DepFail, DepCheckFail, InstallFail, Blocked, TimedOut, Infra];

    public static TheoryData<PackageOutcome, PackageOutcome, Verdict> EveryPair()
    {
        var data = new TheoryData<PackageOutcome, PackageOutcome, Verdict>();
        for (var b = 0; b < Order.Length; b++)
        {
            for (var m = 0; m < Order.Length; m++)
            {
                data.Add(Order[b], Order[m], Table[b][m] switch
                {
                    'P' => Verdict.StillPassing,
                    'R' => Verdict.Regressed,
                    'F' => Verdict.Fixed,
                    'X' => Verdict.StillFailing,
                    _ => Verdict.Spurious,
                });
            }
        }
        return data;
    }

    [Fact]
    public void The_table_covers_every_outcome()
    {
        Assert.Equal(Enum.GetValues<PackageOutcome>().Order(), Order.Order());
        Assert.Equal(Enum.GetValues<PackageOutcome>().Length * Enum.GetValues<PackageOutcome>().Length, EveryPair().Count);
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Compare_gives_the_documented_verdict_for_every_pair_of_outcomes(PackageOutcome baseline, PackageOutcome modified, Verdict expected)
    {
        Assert.Equal(expected, VerdictRules.Compare(R("pkg", modified), R("pkg", baseline)));
    }

    [Theory]
    [InlineData(Pass)]
    [InlineData(TestFail)]
    [InlineData(DepFail)]
    [InlineData(DepCheckFail)]
    [InlineData(InstallFail)]
    [InlineData(Blocked)]
    [InlineData(TimedOut)]
    [InlineData(Infra)]
    public void Without_a_baseline_every_outcome_is_new(PackageOutcome modified)
    {
        Assert.Equal(Verdict.New, VerdictRules.Compare(R("pkg", modified), null));
    }

    [Fact]
    public void Only_success_passes_and_only_timeouts_and_infrastructure_are_spurious()
    {
        Assert.Equal(new[] { Pass }, Enum.GetValues<PackageOutcome>().Where(VerdictRules.Passed));
        Assert.Equal(new[] { TimedOut, Infra }, Enum.GetValues<PackageOutcome>().Where(VerdictRules.Spurious).Order());
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void A_single_confirmation_run_is_a_regression_only_when_it_fails_for_real_with_the_change_and_passes_without(
        PackageOutcome baseline, PackageOutcome modified, Verdict _)
    {
        // A run with a timeout or an infrastructure failure on either side is not counted: with no other run, nothing is confirmed.
        var spoiled = VerdictRules.Spurious(baseline) || VerdictRules.Spurious(modified);
        var reproduced = baseline == Pass && modified is TestFail or DepFail or DepCheckFail or InstallFail or Blocked;
        Assert.Equal(spoiled ? Verdict.Unconfirmed : reproduced ? Verdict.Regressed : Verdict.Flaky, VerdictRules.Confirm([new ConfirmRun(modified, baseline)]));
    }

    [Fact]
    public void Confirm_is_regressed_when_every_run_reproduces()
    {
        Assert.Equal(Verdict.Regressed, VerdictRules.Confirm(
            [new ConfirmRun(TestFail, Pass), new ConfirmRun(InstallFail, Pass), new ConfirmRun(TestFail, Pass)]));
    }

    [Theory]
    [InlineData(Pass, Pass)] // passed with the change once
    [InlineData(TestFail, TestFail)] // failed without it once
    public void Confirm_is_flaky_when_one_run_out_of_several_does_not_reproduce(PackageOutcome modified, PackageOutcome baseline)
    {
        Assert.Equal(Verdict.Flaky, VerdictRules.Confirm(
            [new ConfirmRun(TestFail, Pass), new ConfirmRun(modified, baseline), new ConfirmRun(TestFail, Pass)]));
        Assert.Equal(Verdict.Flaky, VerdictRules.Confirm(
            [new ConfirmRun(modified, baseline), new ConfirmRun(TestFail, Pass)]));
        Assert.Equal(Verdict.Flaky, VerdictRules.Confirm(
            [new ConfirmRun(TestFail, Pass), new ConfirmRun(modified, baseline)]));
    }

    [Theory]
    [InlineData(TimedOut, Pass)] // a timeout with the change says nothing
    [InlineData(Infra, Pass)]
    [InlineData(TestFail, TimedOut)] // nor does one without it
    [InlineData(TestFail, Infra)]
    public void A_spoiled_confirmation_run_is_not_counted_either_way(PackageOutcome modified, PackageOutcome baseline)
    {
        Assert.Equal(Verdict.Regressed, VerdictRules.Confirm([new ConfirmRun(TestFail, Pass), new ConfirmRun(modified, baseline)]));
        Assert.Equal(Verdict.Flaky, VerdictRules.Confirm([new ConfirmRun(Pass, Pass), new ConfirmRun(modified, baseline)]));
    }

    [Fact]
    public void A_candidate_whose_every_confirmation_run_was_spoiled_is_unconfirmed_not_regressed()
    {
        // Spoiled by the machine (a failure where the recorded run got past), even though the outcomes look like a reproduction.
        var spoiled = new ConfirmRun(InstallFail, Pass) { Spoiled = true };
        Assert.Equal(Verdict.Unconfirmed, VerdictRules.Confirm([spoiled, new ConfirmRun(Infra, Pass)]));
        Assert.Equal(Verdict.Unconfirmed, VerdictRules.Confirm([new ConfirmRun(TestFail, TimedOut)]));
        // One run that counts decides.
        Assert.Equal(Verdict.Regressed, VerdictRules.Confirm([spoiled, new ConfirmRun(TestFail, Pass)]));
        Assert.Equal(Verdict.Flaky, VerdictRules.Confirm([spoiled, new ConfirmRun(Pass, Pass)]));
    }

    // Both sides fail: (baseline step, baseline first error, modified step, modified first error) and the verdict.
    [Theory]
    [InlineData("install", "/s/a-0123456789ab/x/main.rkt:2:15: g: unbound identifier", "install", "/s/b-ba9876543210/x/main.rkt:2:15: g: unbound identifier", Verdict.StillFailing)]
    [InlineData("install", "x/main.rkt:2:15: g: unbound identifier", "install", "x/main.rkt:2:15: h: unbound identifier", Verdict.ChangedFailure)]
    [InlineData("install", "x/main.rkt:2:15: g: unbound identifier", "test", "main.rkt: shared: broke", Verdict.ChangedFailure)]
    [InlineData("install", null, "test", null, Verdict.ChangedFailure)] // another step: the errors are not needed
    [InlineData("install", null, "install", "x/main.rkt:2:15: h: unbound identifier", Verdict.StillFailing)] // a baseline log elsewhere: not known
    [InlineData("install", "x: one", "install", null, Verdict.StillFailing)]
    [InlineData(null, null, "install", "x: one", Verdict.StillFailing)] // blocked without the change: no step of its own
    [InlineData("test", "main.rkt: a", null, null, Verdict.StillFailing)]
    public void A_package_failing_on_both_sides_at_another_step_or_with_another_first_error_is_a_changed_failure(
        string? baselineStep, string? baselineError, string? modifiedStep, string? modifiedError, Verdict expected)
    {
        var baseline = R("pkg", InstallFail) with { Step = baselineStep, FirstError = baselineError };
        var modified = R("pkg", TestFail) with { Step = modifiedStep, FirstError = modifiedError };

        Assert.Equal(expected, VerdictRules.Compare(modified, baseline));
        Assert.Equal(Verdict.Regressed, VerdictRules.Compare(modified, baseline with { Outcome = Pass })); // only for failures on both sides
        Assert.Equal(Verdict.Spurious, VerdictRules.Compare(modified with { Outcome = TimedOut }, baseline));
    }
}
