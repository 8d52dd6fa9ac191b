namespace PkgBuild.Pipeline.Layout;

/// <summary>
/// The one place that knows where each pipeline step keeps its state under the work directory and
/// where results go. Sdk.targets passes the two roots; everything else is derived here and in the
/// matching <c>_PkgBuild*Dir</c> properties, which must agree with these names.
/// </summary>
public sealed class WorkLayout
{
    /// <summary>The results' file names, spelled here only: the writers, the report's lines and the last-run copy use these.</summary>
    public const string SummaryRktdName = "summary.rktd";

    public const string SummaryJsonName = "summary.json";

    public const string ReportHtmlName = "report.html";

    public const string ReportMarkdownName = "report.md";

    public const string ResultsJsonName = "results.json";

    public WorkLayout(string workDir, string resultsDir)
    {
        WorkDir = Normalize(workDir);
        ResultsDir = Normalize(resultsDir);
    }

    public string WorkDir { get; }

    public string ResultsDir { get; }

    /// <summary>CopyCatalog's output: the merged copy of the source catalogs.</summary>
    public string CatalogDir => Path.Combine(WorkDir, "catalog");

    /// <summary>EditCatalog's output: the copy with the overrides applied.</summary>
    public string EditedCatalogDir => Path.Combine(WorkDir, "catalog-edited");

    /// <summary>BuildInstallers' and the archive's output, served by ServeSite.</summary>
    public string SiteDir => Path.Combine(WorkDir, "site");

    /// <summary>State of the guests (pid and state files, per-guest directories).</summary>
    public string GuestsDir => Path.Combine(WorkDir, "guests");

    public string SummaryRktd => Path.Combine(ResultsDir, SummaryRktdName);

    public string SummaryJson => Path.Combine(ResultsDir, SummaryJsonName);

    public string ReportHtml => Path.Combine(ResultsDir, ReportHtmlName);

    public string ReportMarkdown => Path.Combine(ResultsDir, ReportMarkdownName);

    public string LogsDir => Path.Combine(ResultsDir, "logs");

    private static string Normalize(string path) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
