using System.Net;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// How the reports put text from a catalog or a log on a page: every name, message and log line is
/// untrusted, so HTML is escaped, Markdown cannot break a table or make a link, and only a plain relative
/// path becomes a link.
/// </summary>
public static class ReportText
{
    public const int ReadableLines = 3;

    public const int ReadableLength = 200;

    public static string Html(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A path below the results directory: no scheme, not absolute, no <c>..</c>, no backslash.</summary>
    public static bool IsPlainRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains(':', StringComparison.Ordinal) && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Split('/').Contains("..") && !path.Any(char.IsControl);

    /// <summary>A log line short enough for a table cell.</summary>
    public static string Cut(string line) => line.Length > 300 ? line[..300] + "…" : line;

    /// <summary>
    /// A log line where two logs part, as a report shows it: Racket prints a message inside a string with its
    /// line breaks as <c>\n</c>, so those become line breaks again; then at most <see cref="ReadableLines"/>
    /// lines and <see cref="ReadableLength"/> characters, the rest cut off with an ellipsis.
    /// </summary>
    public static string Readable(string line)
    {
        var lines = line.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\t", " ", StringComparison.Ordinal).ReplaceLineEndings("\n")
            .Split('\n').Select(l => l.TrimEnd()).Where(l => l.Trim().Length > 0).ToList();
        var shown = string.Join("\n", lines.Take(ReadableLines));
        var cut = lines.Count > ReadableLines || shown.Length > ReadableLength;
        return (shown.Length > ReadableLength ? shown[..ReadableLength] : shown) + (cut ? "…" : "");
    }

    /// <summary>Markdown-safe text: catalog names cannot break the table or inject links.</summary>
    public static string Markdown(string text) => NoControls(text).Replace("|", "\\|").Replace("[", "\\[").Replace("]", "\\]").Replace("*", "\\*").Replace("_", "\\_")
        .Replace("`", "\\`").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>Text for inside a Markdown code span.</summary>
    public static string MarkdownCode(string text) => Cut(NoControls(text).Replace("`", "'"));

    private static string NoControls(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
