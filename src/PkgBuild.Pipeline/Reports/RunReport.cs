using System.Globalization;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Reports;

/// <summary>What RunPkgBuild tells the build about a run: its messages, warnings and errors in order, and one output item per package.</summary>
public sealed record RunReport(IReadOnlyList<ReportLine> Lines, IReadOnlyList<ReportItem> Items)
{
    /// <summary>The output of <see cref="ReportItem"/>s with a package's result.</summary>
    public const string ResultsOutput = "Results";

    /// <summary>The output of <see cref="ReportItem"/>s with a package's verdict.</summary>
    public const string VerdictsOutput = "Verdicts";

    /// <summary>How to build again the failures a build kept: what the messages tell a person to type.</summary>
    public const string RetryFailedArgument = "-p:PkgBuildRetryFailed=true";

    /// <summary>The report of <paramref name="summary"/>; <paramref name="options"/> say what fails the build and where the results are.</summary>
    public static RunReport Of(RunSummary summary, RunReportOptions options)
    {
        var lines = new List<ReportLine>();
        var items = new List<ReportItem>();
        Results(summary, options, lines);
        if (summary.Verdicts.Count > 0)
        {
            VerdictLines(summary.Verdicts, options, lines);
        }
        // An error already gives the counts and the report, and fails the build: no warning to repeat it.
        if (!lines.Any(l => l.Kind == ReportLineKind.Error) && NeedsAttention(summary, options) is { } attention)
        {
            lines.Add(attention);
        }
        items.AddRange(summary.Results.Select(ResultItem));
        items.AddRange(summary.Verdicts.Select(VerdictItem));
        return new RunReport(lines, items);
    }

    /// <summary>
    /// The report as a build that built nothing gives it again: each line that counted what the run built
    /// says instead that its results are the last build's.
    /// </summary>
    public RunReport GivenAgain() => this with
    {
        Lines = Lines.Select(l => l.Again is { } again ? l with { Text = again, Again = null } : l).ToList(),
    };

    private static string OutcomeCounts(RunSummary summary) =>
        string.Join(", ", Enum.GetValues<PackageOutcome>().Select(o => (o, n: summary.Count(o))).Where(x => x.n > 0).Select(x => $"{x.n} {x.o.Label()}"));

    private static void Results(RunSummary summary, RunReportOptions options, List<ReportLine> lines)
    {
        var results = summary.Results;
        var keptFailures = summary.Failures.Count(r => summary.KeptPackages.Contains(r.Package));
        var counts = string.Format(CultureInfo.InvariantCulture, "RunPkgBuild: {0} package(s): {1}", results.Count, OutcomeCounts(summary));
        lines.Add(ReportLine.Message(string.Format(CultureInfo.InvariantCulture, "{0}; built now: {1}; kept from earlier builds: {2}{3}",
            counts, summary.Built, summary.Kept, keptFailures > 0 ? $" ({keptFailures} of them failures: {RetryFailedArgument} builds them again)" : ""))
            with { Again = $"{counts}; built now: 0; reported from the last build: {results.Count}" });
        var width = results.Select(r => r.Package.Length).DefaultIfEmpty(7).Max();
        foreach (var r in results.OrderBy(r => r.Outcome == PackageOutcome.Success).ThenBy(r => r.Package, StringComparer.Ordinal))
        {
            var log = ConsoleText.FailureLog(r);
            lines.Add(ReportLine.Message($"  {r.Package.PadRight(width)}  {ConsoleText.Describe(r)}{(log != null ? $"  log: {options.Results.Resolve(log)}" : "")}"));
        }
        var report = options.Results.ReportHtml;
        if (summary.Verdicts.Count == 0)
        {
            lines.Add(ReportLine.Message($"RunPkgBuild: report: {report}"));
        }

        var infrastructure = results.Where(r => r.Outcome == PackageOutcome.InfrastructureFailure).ToList();
        if (infrastructure.Count > 0)
        {
            lines.Add(ReportLine.Warning(ErrorCodes.InfrastructureFailures,
                $"{infrastructure.Count} package(s) could not be built because a guest failed, even after retries (not counted as package failures; built again next time): "
                + string.Join("; ", infrastructure.Select(r => $"{r.Package}: {r.Message}"))));
        }
        var failed = summary.Failures.ToList();
        if (options.FailOnPackageFailure && failed.Count > 0)
        {
            lines.Add(ReportLine.Error(ErrorCodes.PackagesFailed,
                $"{failed.Count} of {results.Count} package(s) failed (PkgBuildFailOnPackageFailure is true): {string.Join(", ", failed.Select(r => r.Package))}. See {report}."));
        }
    }

    private static void VerdictLines(IReadOnlyList<PackageVerdict> verdicts, RunReportOptions options, List<ReportLine> lines)
    {
        lines.Add(ReportLine.Message($"RunPkgBuild: verdicts against {(options.Baseline.IsRun ? "the packages without the overrides" : options.Baseline.Summary)}: "
            + VerdictCounts(verdicts)));
        var width = verdicts.Select(v => v.Package.Length).DefaultIfEmpty(7).Max();
        foreach (var v in verdicts.Where(v => v.Verdict != Verdict.StillPassing))
        {
            lines.Add(ReportLine.Message($"  {v.Package.PadRight(width)}  {v.Verdict.Label()}"
                + (v.RootCause != null ? $" ({v.RootCause})" : v.Verdict == Verdict.Regressed ? $" (impact {v.Impact})" : "")));
        }
        var markdown = options.Results.ReportMarkdown;
        lines.Add(ReportLine.Message($"RunPkgBuild: regression report: {options.Results.ReportHtml} (summary for a pull request: {markdown})"));
        foreach (var flaky in verdicts.Where(v => v.Verdict == Verdict.Flaky))
        {
            lines.Add(ReportLine.Warning(ErrorCodes.FlakyPackage,
                $"{flaky.Package} looked like a regression but did not fail every time it was run again ({string.Join("; ", flaky.Confirmations.Select(c => $"{c.Modified.Label()} with the change, {c.Baseline.Label()} without"))}): flaky, not counted."));
        }
        foreach (var unconfirmed in verdicts.Where(v => v.Verdict == Verdict.Unconfirmed))
        {
            lines.Add(ReportLine.Warning(ErrorCodes.UnconfirmedRegression,
                $"{unconfirmed.Package} looked like a regression ({unconfirmed.Modified.Outcome.Label()} with the change, {unconfirmed.Baseline?.Outcome.Label()} without), "
                + $"but the machine spoiled every confirmation run ({string.Join("; ", unconfirmed.Confirmations.Select(c => $"{c.Modified.Label()} with the change, {c.Baseline.Label()} without"))}): "
                + "unconfirmed, not counted as a regression. Build again to run the confirmations again."));
        }
        var regressed = verdicts.Where(v => v.Verdict == Verdict.Regressed).ToList();
        if (options.FailOnRegression && regressed.Count > 0)
        {
            var blocked = verdicts.Count(v => v.Verdict == Verdict.BlockedByRegression);
            lines.Add(ReportLine.Error(ErrorCodes.Regressions,
                $"{regressed.Count} package(s) regressed: {string.Join(", ", regressed.Select(r => $"{r.Package} ({r.Modified.Outcome.Label()}, {r.Impact} depend on it)"))}"
                + $"{(blocked > 0 ? $", blocking {blocked} more" : "")}. See {markdown}; set PkgBuildFailOnRegression=false to report without failing."));
        }
    }

    /// <summary>
    /// The run's one warning (PKB0711) when packages failed, were not built or regressed: the counts, which
    /// were not built, how many failures were kept and how to build them again, and the report. It is what
    /// the terminal logger shows of the results (it shows warnings, not messages), and it keeps a build that
    /// does not fail on its results from reading "0 warnings". Null when everything succeeded.
    /// </summary>
    private static ReportLine? NeedsAttention(RunSummary summary, RunReportOptions options)
    {
        var results = summary.Results;
        var failed = results.Where(r => r.Outcome is not (PackageOutcome.Success or PackageOutcome.BlockedByDependency or PackageOutcome.InfrastructureFailure)).ToList();
        var notBuilt = results.Where(r => r.Outcome is PackageOutcome.BlockedByDependency or PackageOutcome.InfrastructureFailure).ToList();
        var regressed = summary.Verdicts.Where(v => v.Verdict == Verdict.Regressed).Select(v => v.Package).ToList();
        if (failed.Count == 0 && notBuilt.Count == 0 && regressed.Count == 0)
        {
            return null;
        }
        var text = new System.Text.StringBuilder().Append(CultureInfo.InvariantCulture, $"{results.Count} package(s): {OutcomeCounts(summary)}");
        if (summary.Verdicts.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; verdicts: {VerdictCounts(summary.Verdicts)}");
        }
        text.Append('.');
        if (regressed.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Regressed: {ConsoleText.Names(regressed)}.");
        }
        if (failed.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Failed: {ConsoleText.Names(failed.Select(r => $"{r.Package} ({r.Outcome.Label()})").ToList())}.");
        }
        if (notBuilt.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Not built: {ConsoleText.Names(notBuilt.Select(r => r.BlockedBy != null ? $"{r.Package} (blocked by {r.BlockedBy})" : $"{r.Package} ({r.Outcome.Label()})").ToList())}.");
        }
        var report = summary.Verdicts.Count > 0
            ? $" Report: {options.Results.ReportHtml} (for a pull request: {options.Results.ReportMarkdown})"
            : $" Report: {options.Results.ReportHtml}";
        var keptFailures = summary.Failures.Count(r => summary.KeptPackages.Contains(r.Package));
        var kept = keptFailures > 0
            ? $" {keptFailures} of the failures were kept from earlier builds, not built now: {RetryFailedArgument} builds them again (some of them: -p:PkgBuildForcePackages=\"a b\")."
            : "";
        var again = summary.Failures.Any()
            ? $" These are the last build's results (nothing changed since): {RetryFailedArgument} builds the failures again."
            : " These are the last build's results (nothing changed since).";
        return ReportLine.Warning(ErrorCodes.RunNeedsAttention, text + kept + report) with { Again = text + again + report };
    }

    private static string VerdictCounts(IReadOnlyList<PackageVerdict> verdicts) =>
        string.Join(", ", Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank).Select(v => (v, n: verdicts.Count(x => x.Verdict == v))).Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.v.Label()}"));

    // Item metadata is for machines (conditions, binlog queries): outcomes and verdicts in their spellings, never their labels.
    private static ReportItem ResultItem(PackageResult r) => new(ResultsOutput, r.Package,
    [
        new("Result", r.Outcome.Spelling()),
        new("Step", r.Step ?? ""),
        new("Seconds", r.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)),
        new("Guest", r.Guest ?? ""),
        new("BlockedBy", r.BlockedBy ?? ""),
        new("InstallLog", r.InstallLog ?? ""),
        new("DependencyLog", r.DependencyLog ?? ""),
        new("TestLog", r.TestLog ?? ""),
        new("Author", r.Author ?? ""),
        new("Finished", r.Finished.ToString("o", CultureInfo.InvariantCulture)),
    ]);

    private static ReportItem VerdictItem(PackageVerdict v) => new(VerdictsOutput, v.Package,
    [
        new("Verdict", v.Verdict.Spelling()),
        new("RootCause", v.RootCause ?? ""),
        new("Impact", v.Impact.ToString(CultureInfo.InvariantCulture)),
        new("Modified", v.Modified.Outcome.Spelling()),
        new("Baseline", v.Baseline == null ? "" : v.Baseline.Outcome.Spelling()),
        new("Confirmations", string.Join(";", v.Confirmations.Select(c => $"{c.Modified.Spelling()}/{c.Baseline.Spelling()}"))),
        new("DivergenceLine", v.Divergence?.Line.ToString(CultureInfo.InvariantCulture) ?? ""),
        new("Author", v.Author ?? ""),
    ]);
}

/// <summary>What decides the lines of a <see cref="RunReport"/> besides the run itself.</summary>
public sealed record RunReportOptions(ResultsLayout Results, BaselineChoice Baseline, bool FailOnPackageFailure, bool FailOnRegression);

public enum ReportLineKind
{
    Message,
    Warning,
    Error,
}

/// <summary>One line of a <see cref="RunReport"/>; warnings and errors carry their PKB code.</summary>
public sealed record ReportLine(ReportLineKind Kind, string? Code, string Text)
{
    /// <summary>
    /// The line when a build that built nothing gives the report again (<see cref="RunReport.GivenAgain"/>):
    /// what counts the packages built now says so. Null: the same line.
    /// </summary>
    public string? Again { get; init; }

    public static ReportLine Message(string text) => new(ReportLineKind.Message, null, text);

    public static ReportLine Warning(string code, string text) => new(ReportLineKind.Warning, code, text);

    public static ReportLine Error(string code, string text) => new(ReportLineKind.Error, code, text);
}

/// <summary>One output item of a <see cref="RunReport"/>: a package, with its result or verdict as metadata.</summary>
public sealed record ReportItem(string Output, string Name, IReadOnlyList<KeyValuePair<string, string>> Metadata);
