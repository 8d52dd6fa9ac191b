using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// The regression reports: <c>report.html</c> (one self-contained page that works offline: filters by
/// verdict, name and author, regressions first by impact, each package's logs on both sides and the first
/// line where they part), <c>report.md</c> (counts and the top regressions, to paste in a pull request)
/// and <c>results.json</c> (everything the page shows). Every name and message is escaped.
/// </summary>
public static class VerdictReport
{
    private static JsonSerializerOptions Json => ResultJson.Document;

    /// <param name="provided">The packages the Racket under test has (name, checksum): listed as given.</param>
    public static void Write(string resultsDirectory, IReadOnlyList<PackageVerdict> verdicts, string baselineName, IReadOnlyDictionary<string, string>? provided = null)
    {
        AtomicFile.WriteAllText(Path.Combine(resultsDirectory, WorkLayout.ResultsJsonName), JsonSerializer.Serialize(new
        {
            baseline = baselineName,
            counts = Enum.GetValues<Verdict>().ToDictionary(v => v.Spelling(), v => verdicts.Count(x => x.Verdict == v)),
            providedByRacket = ProvidedPackagesReport.Json(provided),
            verdicts,
        }, Json) + "\n");
        AtomicFile.WriteAllText(Path.Combine(resultsDirectory, WorkLayout.ReportMarkdownName), Markdown(verdicts, baselineName, provided));
        AtomicFile.WriteAllText(Path.Combine(resultsDirectory, WorkLayout.ReportHtmlName), Html(verdicts, baselineName, provided));
    }

    /// <summary>A row's class and the filter's value: the verdict's spelling.</summary>
    private static string Css(Verdict verdict) => verdict.Spelling();

    private static string Background(Verdict verdict) => verdict switch
    {
        Verdict.Regressed => "#fbe3e3",
        Verdict.BlockedByRegression => "#fdeeee",
        Verdict.Flaky or Verdict.Spurious => "#fdf3d8",
        Verdict.Fixed => "#e3f0fb",
        Verdict.StillPassing => "#eef8ee",
        _ => "#f4f4f4",
    };

    /// <summary>Packages blocked by each regressed root.</summary>
    private static ILookup<string, string> Blocked(IReadOnlyList<PackageVerdict> verdicts) =>
        verdicts.Where(v => v.Verdict == Verdict.BlockedByRegression && v.RootCause != null).ToLookup(v => v.RootCause!, v => v.Package);

    public static string Markdown(IReadOnlyList<PackageVerdict> verdicts, string baselineName, IReadOnlyDictionary<string, string>? provided = null)
    {
        var md = new StringBuilder("## pkg-build: what the change does\n\n");
        md.Append($"{verdicts.Count} package(s) compared with {MarkdownText(baselineName)}.\n\n| verdict | packages |\n|---|---|\n");
        foreach (var v in Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank))
        {
            md.Append($"| {v.Label()} | {verdicts.Count(x => x.Verdict == v)} |\n");
        }
        var blocked = Blocked(verdicts);
        var regressed = verdicts.Where(v => v.Verdict == Verdict.Regressed).OrderByDescending(v => v.Impact).ToList();
        if (regressed.Count > 0)
        {
            md.Append("\n### Regressions, by impact\n\n");
            foreach (var r in regressed.Take(20))
            {
                var also = blocked[r.Package].ToList();
                md.Append($"- **{MarkdownText(r.Package)}**: {PackageRunText(r.Modified)} (was {PackageRunText(r.Baseline!)}); {r.Impact} package(s) depend on it")
                    .Append(also.Count > 0 ? $"; blocks {string.Join(", ", also.Select(MarkdownText))}" : "")
                    .Append(r.Divergence is { } d ? $"; first different log line {d.Line}: `{MarkdownCode(d.Modified)}`" : "")
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
            md.Append($"\n### Flaky (not counted as regressions)\n\n{string.Join(", ", flaky.Select(f => MarkdownText(f.Package)))}\n");
        }
        return md.Append(ProvidedPackagesReport.Markdown(provided, MarkdownText)).ToString();
    }

    public static string Html(IReadOnlyList<PackageVerdict> verdicts, string baselineName, IReadOnlyDictionary<string, string>? provided = null)
    {
        var blocked = Blocked(verdicts);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pkg-build: regressions</title>\n<style>\n")
            .Append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}")
            .Append(string.Concat(Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank).Select(v => $".{Css(v)}{{background:{Background(v)}}}")))
            .Append("code{white-space:pre-wrap;font-size:90%}#filters label{margin-right:1em}")
            .Append("\n</style></head><body>\n<h1>pkg-build: what the change does</h1>\n")
            .Append($"<p>{verdicts.Count} package(s) compared with {E(baselineName)}.</p>\n<form id=\"filters\" onsubmit=\"return false\"><p>");
        foreach (var v in Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank))
        {
            var n = verdicts.Count(x => x.Verdict == v);
            html.Append($"<label><input type=\"checkbox\" name=\"verdict\" value=\"{Css(v)}\"{(v == Verdict.StillPassing ? "" : " checked")}> {E(v.Label())} (<span class=\"count\" data-verdict=\"{Css(v)}\">{n}</span>)</label>");
        }
        html.Append("</p><p><label>name <input id=\"name\" type=\"search\"></label><label>author <input id=\"author\" type=\"search\"></label>")
            .Append(" <span id=\"shown\"></span></p></form>\n")
            .Append("<table id=\"verdicts\"><thead><tr><th>package</th><th>verdict</th><th>impact</th><th>with the change</th><th>without</th><th>first different log line</th><th>author</th></tr></thead><tbody>\n");
        foreach (var v in verdicts)
        {
            html.Append($"<tr id=\"{E(v.Package)}\" class=\"{Css(v.Verdict)}\" data-verdict=\"{Css(v.Verdict)}\" data-name=\"{E(v.Package)}\" data-author=\"{E(v.Author ?? "")}\">")
                .Append($"<td>{E(v.Package)}</td><td>{E(v.Verdict.Label())}");
            if (v.RootCause != null)
            {
                html.Append($" (<a href=\"#{E(v.RootCause)}\">{E(v.RootCause)}</a>)");
            }
            var also = blocked[v.Package].ToList();
            if (also.Count > 0)
            {
                html.Append($"<br><small>blocks {string.Join(", ", also.Select(b => $"<a href=\"#{E(b)}\">{E(b)}</a>"))}</small>");
            }
            if (v.Confirmations.Count > 0)
            {
                html.Append($"<br><small>confirmation runs (with / without): {E(string.Join("; ", v.Confirmations.Select(c => $"{Outcome(c.Modified)} / {Outcome(c.Baseline)}")))}</small>");
            }
            html.Append($"</td><td>{v.Impact}</td><td>{Side(v.Modified)}</td><td>{(v.Baseline == null ? "—" : Side(v.Baseline))}</td><td>");
            if (v.Divergence is { } d)
            {
                html.Append($"line {d.Line}:<br><code>+ {E(Cut(d.Modified))}</code>");
                if (d.Baseline != null)
                {
                    html.Append($"<br><code>- {E(Cut(d.Baseline))}</code>");
                }
            }
            html.Append($"</td><td>{E(v.Author ?? "")}</td></tr>\n");
        }
        html.Append("</tbody></table>\n").Append(ProvidedPackagesReport.Html(provided)).Append("<script>\n").Append(FilterScript).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>
    /// Shows the rows whose verdict is ticked and whose name and author contain what was typed. The filter
    /// lives in the address too (<c>#verdict=regressed,flaky&amp;name=typed&amp;author=ann</c>), so a link shows
    /// what its sender saw.
    /// </summary>
    private const string FilterScript = """
        (function () {
          var form = document.getElementById('filters');
          var boxes = form.querySelectorAll('input[name=verdict]');
          function load() {
            var hash = new URLSearchParams(location.hash.slice(1));
            if (hash.has('verdict')) {
              var wanted = hash.get('verdict').split(',');
              boxes.forEach(function (c) { c.checked = wanted.indexOf(c.value) >= 0; });
            }
            document.getElementById('name').value = hash.get('name') || '';
            document.getElementById('author').value = hash.get('author') || '';
          }
          function save() {
            var on = [];
            boxes.forEach(function (c) { if (c.checked) { on.push(c.value); } });
            var hash = new URLSearchParams();
            hash.set('verdict', on.join(','));
            if (document.getElementById('name').value) { hash.set('name', document.getElementById('name').value); }
            if (document.getElementById('author').value) { hash.set('author', document.getElementById('author').value); }
            history.replaceState(null, '', '#' + hash.toString());
          }
          function apply() {
            var on = {};
            form.querySelectorAll('input[name=verdict]').forEach(function (c) { on[c.value] = c.checked; });
            var name = document.getElementById('name').value.toLowerCase();
            var author = document.getElementById('author').value.toLowerCase();
            var shown = 0;
            document.querySelectorAll('#verdicts tbody tr').forEach(function (row) {
              var visible = on[row.dataset.verdict] && row.dataset.name.toLowerCase().indexOf(name) >= 0
                && row.dataset.author.toLowerCase().indexOf(author) >= 0;
              row.hidden = !visible;
              if (visible) { shown++; }
            });
            document.getElementById('shown').textContent = shown + ' shown';
          }
          form.addEventListener('input', function () { apply(); save(); });
          form.addEventListener('change', function () { apply(); save(); });
          window.addEventListener('hashchange', function () { load(); apply(); });
          load();
          apply();
        })();

        """;

    private static string Side(PackageResult r)
    {
        // Only a plain relative path becomes a link: a baseline summary is someone else's, and its paths
        // could be javascript: or point anywhere.
        var logs = new[] { ("install", r.InstallLog), ("dependencies", r.DependencyLog), ("tests", r.TestLog) }.Where(l => l.Item2 != null)
            .Select(l => IsPlainRelativePath(l.Item2!) ? $"<a href=\"{E(l.Item2!)}\">{l.Item1}</a>" : $"{l.Item1}: {E(l.Item2!)}");
        return $"{E(Outcome(r.Outcome))}{(r.BlockedBy != null ? $" ({E(r.BlockedBy)})" : "")}<br><small>{string.Join(" ", logs)}</small>";
    }

    private static string Outcome(PackageOutcome outcome) => outcome.Label();

    /// <summary>A path below the results directory: no scheme, not absolute, no <c>..</c>, no backslash.</summary>
    public static bool IsPlainRelativePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains(':', StringComparison.Ordinal) && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Split('/').Contains("..") && !path.Any(char.IsControl);

    private static string PackageRunText(PackageResult r) => Outcome(r.Outcome);

    private static string Cut(string line) => line.Length > 300 ? line[..300] + "…" : line;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Markdown-safe text: catalog names cannot break the table or inject links.</summary>
    private static string MarkdownText(string text) => new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Replace("|", "\\|").Replace("[", "\\[").Replace("]", "\\]").Replace("*", "\\*").Replace("_", "\\_")
        .Replace("`", "\\`").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string MarkdownCode(string text) => Cut(new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Replace("`", "'"));
}
