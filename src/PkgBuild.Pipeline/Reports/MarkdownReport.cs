using System.Text;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using static PkgBuild.Pipeline.Reports.ReportText;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// <c>report.md</c>, the one writer of it, short enough for a pull-request comment: what was tested, one
/// line of the verdicts' counts, the top regressions and the flaky packages. Written only with a baseline;
/// every name is escaped.
/// </summary>
public static class MarkdownReport
{
    public static void Write(ResultsLayout layout, RunResults run)
    {
        if (run.Verdicts is { } verdicts)
        {
            AtomicFile.WriteAllText(layout.ReportMarkdown, Render(verdicts, run.BaselineName ?? "", run.Provided, run.Header));
        }
    }

    public static string Render(IReadOnlyList<PackageVerdict> verdicts, string baselineName, IReadOnlyDictionary<string, string>? provided = null, RunHeader? header = null)
    {
        var md = new StringBuilder("## pkg-build: what the change does\n\n");
        md.Append(RunHeaderReport.Markdown(header)).Append(header != null ? "\n" : "");
        md.Append($"**{Counts(verdicts)}** (compared with {Markdown(baselineName)})\n");
        var blocked = VerdictBuilder.Blocked(verdicts);
        var regressed = verdicts.Where(v => v.Verdict == Verdict.Regressed).OrderByDescending(v => v.Impact).ToList();
        if (regressed.Count > 0)
        {
            md.Append("\n### Regressions, by impact\n\n");
            foreach (var r in regressed.Take(20))
            {
                var also = blocked[r.Package].ToList();
                md.Append($"- **{Markdown(r.Package)}**: {r.Modified.Outcome.Label()} (was {r.Baseline!.Outcome.Label()}); {r.Impact} package(s) depend on it")
                    .Append(also.Count > 0 ? $"; blocks {string.Join(", ", also.Select(Markdown))}" : "")
                    .Append(r.Divergence is { } d ? $"; first different log line {d.Line}: `{MarkdownCode(Readable(d.Modified))}`" : "")
                    .Append('\n');
            }
            if (regressed.Count > 20)
            {
                md.Append($"- … and {regressed.Count - 20} more (see report.html)\n");
            }
        }
        var flaky = verdicts.Where(v => v.Verdict == Verdict.Flaky).ToList();
        if (flaky.Count > 0)
        {
            md.Append($"\n### Flaky (not counted as regressions)\n\n{string.Join(", ", flaky.Select(f => Markdown(f.Package)))}\n");
        }
        var unconfirmed = verdicts.Where(v => v.Verdict == Verdict.Unconfirmed).ToList();
        if (unconfirmed.Count > 0)
        {
            md.Append("\n### Unconfirmed (the machine spoiled every confirmation run; build again to confirm)\n\n")
                .Append(string.Join(", ", unconfirmed.Select(u => Markdown(u.Package)))).Append('\n');
        }
        return md.Append(ProvidedPackagesReport.Markdown(provided, Markdown)).Append(FailureSections(verdicts)).ToString();
    }

    /// <summary>
    /// The changed failures with both first errors, and the failure groups with more than one package, largest
    /// first (the rest are in report.html).
    /// </summary>
    private static string FailureSections(IReadOnlyList<PackageVerdict> verdicts)
    {
        var md = new StringBuilder();
        var changed = verdicts.Where(v => v.Verdict == Verdict.ChangedFailure).ToList();
        if (changed.Count > 0)
        {
            md.Append("\n### Changed failures (failing on both sides, differently)\n\n");
            foreach (var c in changed.Take(20))
            {
                md.Append($"- **{Markdown(c.Package)}**: {Markdown(c.Modified.Step ?? "")} `{MarkdownCode(FirstError.Shown(c.Modified.FirstError))}`")
                    .Append($" (was {Markdown(c.Baseline?.Step ?? "")} `{MarkdownCode(FirstError.Shown(c.Baseline?.FirstError))}`)\n");
            }
            if (changed.Count > 20)
            {
                md.Append($"- … and {changed.Count - 20} more (see report.html)\n");
            }
        }
        var groups = FailureGroups.Of(verdicts)
            .SelectMany(x => x.Groups.Where(g => g.Error != null && g.Packages.Count > 1).Select(g => (x.Verdict, Group: g)))
            .ToList();
        if (groups.Count > 0)
        {
            md.Append("\n### Failure groups (one first error, several packages)\n\n| verdict | first error | packages |\n|---|---|---|\n");
            foreach (var (verdict, g) in groups.Take(30))
            {
                var names = string.Join(", ", g.Packages.Take(10).Select(Markdown)) + (g.Packages.Count > 10 ? $", … {g.Packages.Count - 10} more" : "");
                md.Append($"| {verdict.Label()} | `{MarkdownCode(g.Error!).Replace("|", "\\|", StringComparison.Ordinal)}` | {g.Packages.Count}: {names} |\n");
            }
            if (groups.Count > 30)
            {
                md.Append($"\n… and {groups.Count - 30} more groups (see report.html)\n");
            }
        }
        return md.ToString();
    }

    /// <summary>
    /// One line of counts, "2 regressed, 1 fixed, 3 flaky of 140": every verdict that some package has,
    /// still passing left out (it is the rest).
    /// </summary>
    public static string Counts(IReadOnlyList<PackageVerdict> verdicts)
    {
        var counts = Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank).Where(v => v != Verdict.StillPassing)
            .Select(v => (v, n: verdicts.Count(x => x.Verdict == v))).Where(x => x.n > 0).Select(x => $"{x.n} {x.v.Label()}").ToList();
        return counts.Count == 0 ? $"all {verdicts.Count} still passing" : $"{string.Join(", ", counts)} of {verdicts.Count}";
    }
}
