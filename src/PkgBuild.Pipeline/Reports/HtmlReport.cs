using System.Net;
using System.Text;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// <c>report.html</c>: one plain, self-contained page (no scripts, works offline) with the counts per
/// outcome and a row per package, failures first, each linked to its logs. Every name and message from a
/// catalog is HTML-escaped.
/// </summary>
public static class HtmlReport
{
    private static readonly PackageOutcome[] Order =
    [
        PackageOutcome.InstallFailure, PackageOutcome.TestFailure, PackageOutcome.DependencyProblem, PackageOutcome.DependencyCheckFailure, PackageOutcome.Timeout,
        PackageOutcome.BlockedByDependency, PackageOutcome.InfrastructureFailure, PackageOutcome.Success,
    ];

    /// <param name="provided">The packages the Racket under test has (name, checksum): listed as given.</param>
    public static void Write(string path, IReadOnlyList<PackageResult> results, IReadOnlyDictionary<string, string>? provided = null) =>
        AtomicFile.WriteAllText(path, Render(results, provided));

    public static string Render(IReadOnlyList<PackageResult> results, IReadOnlyDictionary<string, string>? provided = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pkg-build results</title>\n")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
            .Append(string.Concat(Order.Select(o => $".{Css(o)}{{background:{Background(o)}}}"))).Append("</style></head><body>\n")
            .Append("<h1>pkg-build results</h1>\n<p>");
        html.Append(string.Join(" · ", Order.Select(o => (o, n: results.Count(r => r.Outcome == o))).Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.o.Label()}")));
        html.Append($" — {results.Count} package(s)</p>\n<table><thead><tr><th>package</th><th>result</th><th>time</th><th>guest</th><th>logs</th><th>author</th></tr></thead><tbody>\n");
        foreach (var r in results.OrderBy(r => Array.IndexOf(Order, r.Outcome)).ThenBy(r => r.Package, StringComparer.Ordinal))
        {
            var cls = Css(r.Outcome);
            html.Append($"<tr class=\"{cls}\" id=\"{E(r.Package)}\"><td>{E(r.Package)}</td><td>{E(r.Outcome.Label())}")
                .Append(r.BlockedBy != null ? $" (<a href=\"#{E(r.BlockedBy)}\">{E(r.BlockedBy)}</a>)" : "")
                .Append(r.Message != null ? $"<br><small>{E(r.Message)}</small>" : "")
                .Append($"</td><td>{r.Elapsed.TotalSeconds:0.0} s</td><td>{E(r.Guest ?? "")}</td><td>")
                .Append(string.Join(" ", new[] { ("install", r.InstallLog), ("dependencies", r.DependencyLog), ("tests", r.TestLog) }
                    .Where(l => l.Item2 != null && Reports.VerdictReport.IsPlainRelativePath(l.Item2)).Select(l => $"<a href=\"{E(l.Item2!)}\">{l.Item1}</a>")))
                .Append($"</td><td>{E(r.Author ?? "")}</td></tr>\n");
        }
        html.Append("</tbody></table>\n").Append(ProvidedPackagesReport.Html(provided)).Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>A row's class: the outcome's spelling.</summary>
    private static string Css(PackageOutcome outcome) => outcome.Spelling();

    private static string Background(PackageOutcome outcome) => outcome switch
    {
        PackageOutcome.Success => "#e6f4e6",
        PackageOutcome.InstallFailure or PackageOutcome.TestFailure => "#fbe3e3",
        PackageOutcome.DependencyProblem or PackageOutcome.DependencyCheckFailure or PackageOutcome.Timeout => "#fdf3d8",
        _ => "#eee",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
