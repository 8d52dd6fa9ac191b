namespace PkgBuild.Pipeline.Layout;

/// <summary>
/// What a run writes in <c>$(PkgBuildResultsDir)</c>, the directory a person reads: the file names are spelled
/// here only, and every writer, the build's report lines and the last-run copy take them from here. The work
/// directory's layout belongs to Sdk.targets, which passes each step the paths it uses.
/// </summary>
public sealed class ResultsLayout(string root)
{
    public const string SummaryRktdName = "summary.rktd";

    public const string SummaryJsonName = "summary.json";

    public const string ReportHtmlName = "report.html";

    public const string ReportMarkdownName = "report.md";

    public const string ResultsJsonName = "results.json";

    /// <summary>The modified side's logs, relative to <see cref="Root"/>: <c>logs/&lt;pkg&gt;/&lt;step&gt;.txt</c>.</summary>
    public const string LogsName = "logs";

    public string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    public string SummaryRktd => Path.Combine(Root, SummaryRktdName);

    public string SummaryJson => Path.Combine(Root, SummaryJsonName);

    public string ReportHtml => Path.Combine(Root, ReportHtmlName);

    public string ReportMarkdown => Path.Combine(Root, ReportMarkdownName);

    public string ResultsJson => Path.Combine(Root, ResultsJsonName);

    /// <summary>A path the results name relative to <see cref="Root"/> (a log), as a full path.</summary>
    public string Resolve(string relative) => Path.Combine(Root, relative);

    /// <summary>The files a run writes here besides the logs, with or without verdicts against a baseline.</summary>
    public static IReadOnlyList<string> Files(bool withBaseline) => withBaseline
        ? [SummaryRktdName, SummaryJsonName, ReportHtmlName, ReportMarkdownName, ResultsJsonName]
        : [SummaryRktdName, SummaryJsonName, ReportHtmlName];
}
