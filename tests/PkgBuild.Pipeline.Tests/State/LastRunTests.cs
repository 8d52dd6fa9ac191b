using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Pipeline.State;
using PkgBuild.Pipeline.Tests.Execution;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.State;

/// <summary>The last complete run: given again only with the same stamp and every file it named still there.</summary>
public sealed class LastRunTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string State => _dir.Combine("state");

    private string Results => _dir.Combine("results");

    private static PackageResult Result(string package, PackageOutcome outcome) => new()
    {
        Package = package,
        Outcome = outcome,
        Step = outcome == PackageOutcome.Success ? null : StepNames.Test,
        TestLog = $"logs/{package}/test.txt",
        Message = "tab\there, a new\nline and a back\\slash",
        Elapsed = TimeSpan.FromSeconds(3),
        Finished = new DateTimeOffset(2026, 11, 25, 7, 8, 9, TimeSpan.Zero),
    };

    private static RunSummary Summary() =>
        new([Result("qs-a", PackageOutcome.Success), Result("qs-b", PackageOutcome.TestFailure)], 2, 0, TimeSpan.FromSeconds(9));

    private static RunReportOptions Options(string results, bool failOnPackageFailure = false) =>
        new(new ResultsLayout(results), BaselineChoice.None, failOnPackageFailure, FailOnRegression: true);

    private void WriteResultFiles(RunSummary summary)
    {
        foreach (var file in ResultsLayout.Files(withBaseline: false).Concat(LastRun.Logs(summary, baselineRun: false)))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Results, file))!);
            File.WriteAllText(Path.Combine(Results, file), "x");
        }
    }

    private void Save(RunSummary summary, RunReport report, string stamp = "stamp-1")
    {
        Directory.CreateDirectory(State);
        WriteResultFiles(summary);
        LastRun.Write(State, stamp, report, ResultsLayout.Files(withBaseline: false).Concat(LastRun.Logs(summary, baselineRun: false)));
    }

    [Fact]
    public void The_report_is_given_again_line_for_line_and_item_for_item()
    {
        var summary = Summary();
        var report = RunReport.Of(summary, Options(Results, failOnPackageFailure: true));
        Save(summary, report);

        var again = LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1");

        Assert.NotNull(again);
        Assert.Equal(report.Lines, again.Lines);
        Assert.Equal(report.Items.Select(i => (i.Output, i.Name, string.Join("|", i.Metadata))), again.Items.Select(i => (i.Output, i.Name, string.Join("|", i.Metadata))));
        var error = Assert.Single(again.Lines, l => l.Kind == ReportLineKind.Error);
        Assert.Equal("PKB0702", error.Code);
        // What the run built is counted as built then, not now.
        Assert.Equal("RunPkgBuild: 2 package(s): 1 success, 1 test failure; built now: 2; kept from earlier builds: 0", again.Lines[0].Text);
        Assert.Equal("RunPkgBuild: 2 package(s): 1 success, 1 test failure; built now: 0; reported from the last build: 2", again.GivenAgain().Lines[0].Text);
    }

    [Fact]
    public void Text_with_tabs_newlines_and_backslashes_survives()
    {
        var report = new RunReport(
            [ReportLine.Message("a\tb\nc\\d\\t\r"), ReportLine.Warning("PKB0803", "\\\\n"), ReportLine.Warning("PKB0711", "now") with { Again = "then\t\\" }],
            [new ReportItem("Results", "qs-a", [new("Message", "x\ty\\n\n"), new("Empty", "")])]);
        Directory.CreateDirectory(State);
        LastRun.Write(State, "s", report, []);

        var again = LastRun.TryRead(State, new ResultsLayout(Results), "s");

        Assert.NotNull(again);
        Assert.Equal(report.Lines, again.Lines);
        Assert.Equal(report.Items[0].Metadata, again.Items[0].Metadata);
    }

    [Fact]
    public void Another_stamp_is_not_given_the_report()
    {
        var summary = Summary();
        Save(summary, RunReport.Of(summary, Options(Results)));

        Assert.Null(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-2"));
    }

    [Fact]
    public void A_missing_log_or_result_file_means_run_again()
    {
        var summary = Summary();
        Save(summary, RunReport.Of(summary, Options(Results)));
        Assert.NotNull(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1"));

        File.Delete(Path.Combine(Results, "logs", "qs-b", "test.txt"));
        Assert.Null(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1"));

        WriteResultFiles(summary);
        File.Delete(Path.Combine(Results, "report.html"));
        Assert.Null(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1"));
    }

    [Fact]
    public void A_torn_damaged_or_forgotten_file_means_run_again()
    {
        var summary = Summary();
        Save(summary, RunReport.Of(summary, Options(Results)));
        var path = Path.Combine(State, LastRun.FileName);
        var text = File.ReadAllText(path);

        File.WriteAllText(path, text[..(text.Length / 2)]); // killed mid-write (AtomicFile prevents it; a copy may not)
        Assert.Null(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1"));

        File.WriteAllText(path, text.Replace("\nline\t", "\nbogus\t"));
        Assert.Null(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1"));

        File.WriteAllText(path, text);
        Assert.NotNull(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1"));
        LastRun.Forget(State);
        Assert.False(File.Exists(path));
        Assert.Null(LastRun.TryRead(State, new ResultsLayout(Results), "stamp-1"));
        LastRun.Forget(_dir.Combine("never-made")); // nothing to forget: no error
    }

    [Fact]
    public void A_stamp_follows_every_part_and_each_file_size_and_time()
    {
        var file = _dir.Combine("pkgs-all");
        File.WriteAllText(file, "#hash()");
        var stamp = LastRun.Stamp(["settings a"], [file]);

        Assert.Equal(stamp, LastRun.Stamp(["settings a"], [file]));
        Assert.NotEqual(stamp, LastRun.Stamp(["settings b"], [file]));
        File.SetLastWriteTimeUtc(file, File.GetLastWriteTimeUtc(file).AddSeconds(1));
        Assert.NotEqual(stamp, LastRun.Stamp(["settings a"], [file]));
        var touched = LastRun.Stamp(["settings a"], [file]);
        File.Delete(file);
        Assert.NotEqual(touched, LastRun.Stamp(["settings a"], [file]));
    }

    [Fact]
    public void Verdicts_give_their_lines_items_and_the_logs_of_both_sides()
    {
        var modified = Result("qs-b", PackageOutcome.TestFailure);
        var baseline = Result("qs-b", PackageOutcome.Success) with { TestLog = "baseline/logs/qs-b/test.txt" };
        var summary = new RunSummary([modified], 1, 0, TimeSpan.Zero)
        {
            Verdicts = [new PackageVerdict { Package = "qs-b", Verdict = Verdict.Regressed, Modified = modified, Baseline = baseline, Impact = 3 }],
        };

        var report = RunReport.Of(summary, new RunReportOptions(new ResultsLayout(Results), BaselineChoice.Parse("Run"), FailOnPackageFailure: false, FailOnRegression: true));

        Assert.Contains(report.Lines, l => l.Kind == ReportLineKind.Error && l.Code == "PKB0802" && l.Text.StartsWith("1 package(s) regressed: qs-b (test failure, 3 depend on it)", StringComparison.Ordinal));
        Assert.Contains(report.Items, i => i.Output == RunReport.VerdictsOutput && i.Name == "qs-b" && i.Metadata.Contains(new("Verdict", "regressed")));
        Assert.Equal(["logs/qs-b/test.txt", "logs/qs-b/test.txt", "baseline/logs/qs-b/test.txt"], LastRun.Logs(summary, baselineRun: true));
        Assert.Equal(["logs/qs-b/test.txt", "logs/qs-b/test.txt"], LastRun.Logs(summary, baselineRun: false)); // a pkg-build summary's logs are that server's
    }

    [Fact]
    public void Only_a_run_with_nothing_left_to_do_again_is_recorded()
    {
        var ok = Result("qs-a", PackageOutcome.Success);
        var failedInstall = Result("qs-b", PackageOutcome.InstallFailure);
        PackageVerdict Verdict(PackageResult baseline, params ConfirmRun[] runs) =>
            new() { Package = "qs-a", Verdict = Pipeline.Verdicts.Verdict.StillPassing, Modified = ok, Baseline = baseline, Confirmations = runs };

        Assert.True(LastRun.Decided(new RunSummary([ok, failedInstall], 2, 0, TimeSpan.Zero)));
        Assert.False(LastRun.Decided(new RunSummary([ok, Result("qs-c", PackageOutcome.InfrastructureFailure)], 2, 0, TimeSpan.Zero)));
        Assert.True(LastRun.Decided(new RunSummary([ok], 1, 0, TimeSpan.Zero) { Verdicts = [Verdict(ok, new ConfirmRun(PackageOutcome.TestFailure, PackageOutcome.Success))] }));
        // The baseline side's infrastructure failure is built again; a spoiled confirmation is confirmed again.
        Assert.False(LastRun.Decided(new RunSummary([ok], 1, 0, TimeSpan.Zero) { Verdicts = [Verdict(Result("qs-a", PackageOutcome.InfrastructureFailure))] }));
        Assert.False(LastRun.Decided(new RunSummary([ok], 1, 0, TimeSpan.Zero) { Verdicts = [Verdict(ok, new ConfirmRun(PackageOutcome.Timeout, PackageOutcome.Success))] }));
        Assert.False(LastRun.Decided(new RunSummary([ok], 1, 0, TimeSpan.Zero) { Verdicts = [Verdict(ok, new ConfirmRun(PackageOutcome.TestFailure, PackageOutcome.InfrastructureFailure))] }));
    }
}
