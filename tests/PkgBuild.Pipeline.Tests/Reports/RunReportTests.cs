using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Tests.Reports;

/// <summary>
/// What RunPkgBuild tells the build: item metadata in the machine spellings of docs/outcomes.md, console lines
/// in the labels, and what is particular to one package (which dependency blocked it) beside, never inside.
/// </summary>
public sealed class RunReportTests
{
    private static readonly PackageResult Broken = new()
    {
        Package = "qs-broken", Outcome = PackageOutcome.InstallFailure, Step = StepNames.Install, InstallLog = "logs/qs-broken/install.txt",
    };

    private static readonly PackageResult Blocked = new()
    {
        Package = "qs-needs-broken", Outcome = PackageOutcome.BlockedByDependency, BlockedBy = "qs-broken",
        Message = "its dependency qs-broken did not install (install failure)",
    };

    private static readonly PackageResult Passed = new()
    {
        Package = "qs-base", Outcome = PackageOutcome.Success, Step = StepNames.Test, InstallLog = "logs/qs-base/install.txt", TestLog = "logs/qs-base/test.txt",
    };

    private static RunReport Report(RunSummary summary, bool failOnPackageFailure = false) =>
        RunReport.Of(summary, new RunReportOptions(new ResultsLayout("/results"), BaselineChoice.Parse("Run"), failOnPackageFailure, FailOnRegression: false));

    private static string Metadata(RunReport report, string output, string package, string name) =>
        report.Items.Single(i => i.Output == output && i.Name == package).Metadata.Single(m => m.Key == name).Value;

    [Fact]
    public void Result_items_spell_the_outcome_for_machines_with_the_blocker_apart()
    {
        var report = Report(new RunSummary([Broken, Blocked, Passed], 3, 0, TimeSpan.Zero));

        Assert.Equal("blocked-by-dependency", Metadata(report, RunReport.ResultsOutput, "qs-needs-broken", "Result"));
        Assert.Equal("qs-broken", Metadata(report, RunReport.ResultsOutput, "qs-needs-broken", "BlockedBy"));
        Assert.Equal("", Metadata(report, RunReport.ResultsOutput, "qs-needs-broken", "Step"));
        Assert.Equal("install-failure", Metadata(report, RunReport.ResultsOutput, "qs-broken", "Result"));
        Assert.Equal("install", Metadata(report, RunReport.ResultsOutput, "qs-broken", "Step"));
        Assert.Equal("success", Metadata(report, RunReport.ResultsOutput, "qs-base", "Result"));
        Assert.Equal("test", Metadata(report, RunReport.ResultsOutput, "qs-base", "Step"));
    }

    [Fact]
    public void Console_lines_give_the_label_then_the_particulars()
    {
        var report = Report(new RunSummary([Broken, Blocked, Passed], 3, 0, TimeSpan.Zero));
        var text = report.Lines.Select(l => l.Text).ToList();

        Assert.Contains(text, l => l.StartsWith("RunPkgBuild: 3 package(s): 1 success, 1 install failure, 1 blocked by a dependency;", StringComparison.Ordinal));
        Assert.Contains(text, l => l.EndsWith("qs-needs-broken  blocked by a dependency (qs-broken)", StringComparison.Ordinal));
        Assert.Equal("blocked by a dependency (qs-broken)", ConsoleText.Describe(Blocked));
        Assert.Equal("timeout (test: past 15 s)", ConsoleText.Describe(Passed with { Outcome = PackageOutcome.Timeout, Message = "past 15 s" }));
        Assert.Equal("dependency check failure (x: oops)", ConsoleText.Describe(Passed with { Outcome = PackageOutcome.DependencyCheckFailure, Message = "x: oops" }));
    }

    [Fact]
    public void Verdict_items_spell_verdicts_and_both_sides_outcomes()
    {
        var regressed = Broken with { Package = "qs-text" };
        var blocked = Blocked with { Package = "qs-report", BlockedBy = "qs-text" };
        var summary = new RunSummary([regressed, blocked], 2, 0, TimeSpan.Zero)
        {
            Verdicts =
            [
                new PackageVerdict
                {
                    Package = "qs-text", Verdict = Verdict.Regressed, Modified = regressed, Baseline = Passed with { Package = "qs-text" }, Impact = 1,
                    Confirmations = [new ConfirmRun(PackageOutcome.InstallFailure, PackageOutcome.Success), new ConfirmRun(PackageOutcome.TestFailure, PackageOutcome.Success)],
                },
                new PackageVerdict { Package = "qs-report", Verdict = Verdict.BlockedByRegression, Modified = blocked, Baseline = Passed with { Package = "qs-report" }, RootCause = "qs-text" },
            ],
        };

        var report = Report(summary);

        Assert.Equal("regressed", Metadata(report, RunReport.VerdictsOutput, "qs-text", "Verdict"));
        Assert.Equal("install-failure", Metadata(report, RunReport.VerdictsOutput, "qs-text", "Modified"));
        Assert.Equal("success", Metadata(report, RunReport.VerdictsOutput, "qs-text", "Baseline"));
        Assert.Equal("install-failure/success;test-failure/success", Metadata(report, RunReport.VerdictsOutput, "qs-text", "Confirmations"));
        Assert.Equal("blocked-by-regression", Metadata(report, RunReport.VerdictsOutput, "qs-report", "Verdict"));
        Assert.Equal("blocked-by-dependency", Metadata(report, RunReport.VerdictsOutput, "qs-report", "Modified"));
        Assert.Equal("qs-text", Metadata(report, RunReport.VerdictsOutput, "qs-report", "RootCause"));
        Assert.Contains(report.Lines, l => l.Text.EndsWith("qs-report  blocked by a regression (qs-text)", StringComparison.Ordinal));
    }

    [Fact]
    public void Failures_end_in_one_PKB0711_warning_with_the_counts_what_was_not_built_the_kept_failures_and_the_report()
    {
        var report = Report(new RunSummary([Broken, Blocked, Passed], 1, 2, TimeSpan.Zero) { KeptPackages = new HashSet<string> { "qs-broken", "qs-base" } });

        var warning = Assert.Single(report.Lines, l => l.Kind == ReportLineKind.Warning);
        Assert.Equal("PKB0711", warning.Code);
        Assert.StartsWith("3 package(s): 1 success, 1 install failure, 1 blocked by a dependency.", warning.Text, StringComparison.Ordinal);
        Assert.Contains(" Failed: qs-broken (install failure).", warning.Text, StringComparison.Ordinal);
        Assert.Contains(" Not built: qs-needs-broken (blocked by qs-broken).", warning.Text, StringComparison.Ordinal);
        Assert.Contains(" 1 of the failures were kept from earlier builds, not built now: -p:PkgBuildRetryFailed=true builds them again", warning.Text, StringComparison.Ordinal);
        Assert.EndsWith(" Report: /results/report.html", warning.Text, StringComparison.Ordinal);
        Assert.Same(warning, report.Lines[^1]); // the last word of the run
        Assert.Contains(report.Lines, l => l.Text == "RunPkgBuild: 3 package(s): 1 success, 1 install failure, 1 blocked by a dependency; built now: 1; kept from earlier builds: 2"
            + " (1 of them failures: -p:PkgBuildRetryFailed=true builds them again)");
        // A failed package's line points at its log; a blocked one has none.
        Assert.Contains(report.Lines, l => l.Text.EndsWith("qs-broken        install failure  log: /results/logs/qs-broken/install.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void No_summary_warning_when_everything_succeeded_or_an_error_already_says_it()
    {
        Assert.DoesNotContain(Report(new RunSummary([Passed], 1, 0, TimeSpan.Zero)).Lines, l => l.Kind != ReportLineKind.Message);

        var strict = Report(new RunSummary([Broken, Passed], 2, 0, TimeSpan.Zero), failOnPackageFailure: true);
        Assert.Equal(["PKB0702"], strict.Lines.Where(l => l.Kind != ReportLineKind.Message).Select(l => l.Code));
    }

    [Fact]
    public void A_report_given_again_counts_nothing_as_built_now()
    {
        var report = Report(new RunSummary([Broken, Blocked, Passed], 3, 0, TimeSpan.Zero));

        var again = report.GivenAgain();

        Assert.Equal("RunPkgBuild: 3 package(s): 1 success, 1 install failure, 1 blocked by a dependency; built now: 0; reported from the last build: 3", again.Lines[0].Text);
        Assert.DoesNotContain(again.Lines, l => l.Text.Contains("built now: 3", StringComparison.Ordinal));
        var warning = Assert.Single(again.Lines, l => l.Kind == ReportLineKind.Warning);
        Assert.Contains("These are the last build's results (nothing changed since): -p:PkgBuildRetryFailed=true builds the failures again.", warning.Text, StringComparison.Ordinal);
        Assert.Equal(report.Lines.Skip(1).Where(l => l.Again == null), again.Lines.Skip(1).Where(l => l.Kind == ReportLineKind.Message)); // the rest as it was
        Assert.Equal(report.Items, again.Items);
    }

    [Fact]
    public void Regressions_that_do_not_fail_the_build_are_named_in_the_summary_warning()
    {
        var regressed = Broken with { Package = "qs-text" };
        var summary = new RunSummary([regressed, Passed], 2, 0, TimeSpan.Zero)
        {
            Verdicts =
            [
                new PackageVerdict { Package = "qs-text", Verdict = Verdict.Regressed, Modified = regressed, Baseline = Passed with { Package = "qs-text" }, Impact = 0 },
                new PackageVerdict { Package = "qs-base", Verdict = Verdict.StillPassing, Modified = Passed, Baseline = Passed },
            ],
        };

        var warning = Assert.Single(Report(summary).Lines, l => l.Code == "PKB0711");

        Assert.StartsWith("2 package(s): 1 success, 1 install failure; verdicts: 1 regressed, 1 still passing. Regressed: qs-text. Failed: qs-text (install failure).", warning.Text, StringComparison.Ordinal);
        Assert.EndsWith(" Report: /results/report.html (for a pull request: /results/report.md)", warning.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regression_the_machine_kept_from_being_confirmed_is_a_warning_and_does_not_fail_the_build()
    {
        var regressed = Broken with { Package = "qs-text" };
        var spoiled = new ConfirmRun(PackageOutcome.InfrastructureFailure, PackageOutcome.Success) { Spoiled = true };
        var summary = new RunSummary([regressed], 1, 0, TimeSpan.Zero)
        {
            Verdicts =
            [
                new PackageVerdict
                {
                    Package = "qs-text", Verdict = Verdict.Unconfirmed, Modified = regressed, Baseline = Passed with { Package = "qs-text" }, Confirmations = [spoiled],
                },
            ],
        };

        var report = RunReport.Of(summary, new RunReportOptions(new ResultsLayout("/results"), BaselineChoice.Parse("Run"), FailOnPackageFailure: false, FailOnRegression: true));

        var warning = Assert.Single(report.Lines, l => l.Code == "PKB0804");
        Assert.Equal(ReportLineKind.Warning, warning.Kind);
        Assert.StartsWith("qs-text looked like a regression (install failure with the change, success without), but the machine spoiled every confirmation run "
            + "(infrastructure failure with the change, success without): unconfirmed", warning.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Lines, l => l.Code == "PKB0802");
        Assert.Contains(report.Lines, l => l.Text.EndsWith("qs-text  unconfirmed", StringComparison.Ordinal));
    }
}
