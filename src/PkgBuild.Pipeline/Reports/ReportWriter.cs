using PkgBuild.Pipeline.Layout;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// Writes a run's reports once its results are in: <c>report.html</c> always, <c>report.md</c> and
/// <c>results.json</c> with a baseline. <see cref="SummaryWriter"/> writes the summaries as soon as the side
/// with the change is done, so they exist even if the baseline's side fails.
/// </summary>
public static class ReportWriter
{
    public static void Write(ResultsLayout layout, RunResults run)
    {
        Directory.CreateDirectory(layout.Root);
        HtmlReport.Write(layout, run);
        MarkdownReport.Write(layout, run);
        ResultsJsonReport.Write(layout, run);
    }
}
