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
        items.AddRange(summary.Results.Select(ResultItem));
        items.AddRange(summary.Verdicts.Select(VerdictItem));
        return new RunReport(lines, items);
    }

    private static void Results(RunSummary summary, RunReportOptions options, List<ReportLine> lines)
    {
        var results = summary.Results;
        lines.Add(ReportLine.Message(string.Format(CultureInfo.InvariantCulture, "RunPkgBuild: {0} package(s): {1}; built now: {2}, kept from earlier builds: {3}",
            results.Count,
            string.Join(", ", Enum.GetValues<PackageOutcome>().Select(o => (o, n: summary.Count(o))).Where(x => x.n > 0).Select(x => $"{x.n} {x.o.Label()}")),
            summary.Built, summary.Kept)));
        var width = results.Select(r => r.Package.Length).DefaultIfEmpty(7).Max();
        foreach (var r in results.OrderBy(r => r.Outcome == PackageOutcome.Success).ThenBy(r => r.Package, StringComparer.Ordinal))
        {
            lines.Add(ReportLine.Message($"  {r.Package.PadRight(width)}  {ConsoleText.Describe(r)}"));
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
            + string.Join(", ", Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank).Select(v => (v, n: verdicts.Count(x => x.Verdict == v))).Where(x => x.n > 0)
                .Select(x => $"{x.n} {x.v.Label()}"))));
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
        var regressed = verdicts.Where(v => v.Verdict == Verdict.Regressed).ToList();
        if (options.FailOnRegression && regressed.Count > 0)
        {
            var blocked = verdicts.Count(v => v.Verdict == Verdict.BlockedByRegression);
            lines.Add(ReportLine.Error(ErrorCodes.Regressions,
                $"{regressed.Count} package(s) regressed: {string.Join(", ", regressed.Select(r => $"{r.Package} ({r.Modified.Outcome.Label()}, {r.Impact} depend on it)"))}"
                + $"{(blocked > 0 ? $", blocking {blocked} more" : "")}. See {markdown}; set PkgBuildFailOnRegression=false to report without failing."));
        }
    }

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
    public static ReportLine Message(string text) => new(ReportLineKind.Message, null, text);

    public static ReportLine Warning(string code, string text) => new(ReportLineKind.Warning, code, text);

    public static ReportLine Error(string code, string text) => new(ReportLineKind.Error, code, text);
}

/// <summary>One output item of a <see cref="RunReport"/>: a package, with its result or verdict as metadata.</summary>
public sealed record ReportItem(string Output, string Name, IReadOnlyList<KeyValuePair<string, string>> Metadata);
