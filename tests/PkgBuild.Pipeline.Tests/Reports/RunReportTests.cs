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

    private static RunReport Report(RunSummary summary) => RunReport.Of(summary, new RunReportOptions(new ResultsLayout("/results"), BaselineChoice.Parse("Run"), FailOnPackageFailure: false, FailOnRegression: false));

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
}
