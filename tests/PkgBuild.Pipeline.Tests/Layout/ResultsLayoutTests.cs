using PkgBuild.Pipeline.Layout;

namespace PkgBuild.Pipeline.Tests.Layout;

public sealed class ResultsLayoutTests
{
    [Fact]
    public void Names_every_result_file_under_the_results_directory()
    {
        var layout = new ResultsLayout("/p/results/");

        Assert.Equal("/p/results", layout.Root);
        Assert.Equal("/p/results/summary.rktd", layout.SummaryRktd);
        Assert.Equal("/p/results/summary.json", layout.SummaryJson);
        Assert.Equal("/p/results/report.html", layout.ReportHtml);
        Assert.Equal("/p/results/report.md", layout.ReportMarkdown);
        Assert.Equal("/p/results/results.json", layout.ResultsJson);
        Assert.Equal("/p/results/logs/a/test.txt", layout.Resolve("logs/a/test.txt"));
    }

    [Fact]
    public void A_run_without_a_baseline_writes_no_verdict_files()
    {
        Assert.Equal(["summary.rktd", "summary.json", "report.html"], ResultsLayout.Files(withBaseline: false));
        Assert.Equal(["summary.rktd", "summary.json", "report.html", "report.md", "results.json"], ResultsLayout.Files(withBaseline: true));
    }
}
