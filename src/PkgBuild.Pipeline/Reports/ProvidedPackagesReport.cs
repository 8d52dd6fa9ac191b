using System.Net;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// The packages the Racket under test already has in installation scope, as every report shows them:
/// given, as pkg-build takes its installed list, so a reader knows why they have no result.
/// </summary>
public static class ProvidedPackagesReport
{
    private const int MarkdownNames = 30;

    public static string Html(IReadOnlyDictionary<string, string>? provided) =>
        provided is not { Count: > 0 } ? ""
            : $"<h2>Provided by the Racket under test</h2>\n<p>{provided.Count} package(s) the guests' Racket has in installation scope, given (never built, never a blocker): "
              + string.Join(", ", Names(provided).Select(WebUtility.HtmlEncode)) + ".</p>\n";

    /// <summary>One line, short enough for a pull-request comment.</summary>
    public static string Markdown(IReadOnlyDictionary<string, string>? provided, Func<string, string> escape)
    {
        if (provided is not { Count: > 0 })
        {
            return "";
        }
        var names = Names(provided).ToList();
        return $"\nProvided by the Racket under test (given, not built): {provided.Count} package(s): "
            + string.Join(", ", names.Take(MarkdownNames).Select(escape)) + (names.Count > MarkdownNames ? ", … (all in results.json)" : "") + ".\n";
    }

    public static IReadOnlyList<object> Json(IReadOnlyDictionary<string, string>? provided) =>
        provided is null ? [] : Names(provided).Select(name => (object)new { name, checksum = provided[name] }).ToList();

    private static IEnumerable<string> Names(IReadOnlyDictionary<string, string> provided) => provided.Keys.Order(StringComparer.Ordinal);
}
