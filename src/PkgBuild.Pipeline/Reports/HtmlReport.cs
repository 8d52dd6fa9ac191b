using System.Text;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using static PkgBuild.Pipeline.Reports.ReportText;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// <c>report.html</c>, the one writer of it: a plain, self-contained page that works offline. Without a
/// baseline it has the counts per outcome and a row per package, failures first, each linked to its logs.
/// With one it has the verdicts: filters by verdict, name and author (kept in the address, so a link shows
/// what its sender saw), regressions first by impact, each package's logs on both sides and the first line
/// where they part. A row's class is its outcome's or verdict's spelling. Every name and message is escaped.
/// </summary>
public static class HtmlReport
{
    public static void Write(ResultsLayout layout, RunResults run) => AtomicFile.WriteAllText(layout.ReportHtml, Render(run));

    public static string Render(RunResults run) => run.Verdicts is { } verdicts
        ? Render(verdicts, run.BaselineName ?? "", run.Provided, run.Header)
        : Render(run.Results, run.Provided, run.Header);

    private static readonly PackageOutcome[] Order =
    [
        PackageOutcome.InstallFailure, PackageOutcome.TestFailure, PackageOutcome.DependencyProblem, PackageOutcome.DependencyCheckFailure, PackageOutcome.Timeout,
        PackageOutcome.BlockedByDependency, PackageOutcome.InfrastructureFailure, PackageOutcome.Success,
    ];

    /// <summary>The page without a baseline.</summary>
    public static string Render(IReadOnlyList<PackageResult> results, IReadOnlyDictionary<string, string>? provided = null, RunHeader? header = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pkg-build results</title>\n")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
            .Append(string.Concat(Order.Select(o => $".{o.Spelling()}{{background:{Background(o)}}}"))).Append("</style></head><body>\n")
            .Append("<h1>pkg-build results</h1>\n").Append(RunHeaderReport.Html(header)).Append("<p>");
        html.Append(string.Join(" · ", Order.Select(o => (o, n: results.Count(r => r.Outcome == o))).Where(x => x.n > 0)
            .Select(x => $"{x.n} {x.o.Label()}")));
        html.Append($" — {results.Count} package(s)</p>\n<table><thead><tr><th>package</th><th>result</th><th>time</th><th>guest</th><th>logs</th><th>author</th></tr></thead><tbody>\n");
        foreach (var r in results.OrderBy(r => Array.IndexOf(Order, r.Outcome)).ThenBy(r => r.Package, StringComparer.Ordinal))
        {
            var cls = r.Outcome.Spelling();
            html.Append($"<tr class=\"{cls}\" id=\"{E(r.Package)}\"><td>{E(r.Package)}</td><td>{E(r.Outcome.Label())}")
                .Append(r.BlockedBy != null ? $" (<a href=\"#{E(r.BlockedBy)}\">{E(r.BlockedBy)}</a>)" : "")
                .Append(r.Message != null ? $"<br><small>{E(r.Message)}</small>" : "")
                .Append(r.InfrastructureFailures is { Count: > 0 } retried
                    ? $"<br><small>retried after {retried.Count} infrastructure failure(s): {E(string.Join("; ", retried))}</small>" : "")
                .Append($"</td><td>{r.Elapsed.TotalSeconds:0.0} s</td><td>{E(r.Guest ?? "")}</td><td>")
                .Append(string.Join(" ", new[] { ("install", r.InstallLog), ("dependencies", r.DependencyLog), ("tests", r.TestLog) }
                    .Where(l => l.Item2 != null && IsPlainRelativePath(l.Item2)).Select(l => $"<a href=\"{E(l.Item2!)}\">{l.Item1}</a>")))
                .Append($"</td><td>{E(r.Author ?? "")}</td></tr>\n");
        }
        html.Append("</tbody></table>\n").Append(ProvidedPackagesReport.Html(provided)).Append(FailureGroupsHtml(FailureGroups.Of(results))).Append("</body></html>\n");
        return html.ToString();
    }

    private static string Background(PackageOutcome outcome) => outcome switch
    {
        PackageOutcome.Success => "#e6f4e6",
        PackageOutcome.InstallFailure or PackageOutcome.TestFailure => "#fbe3e3",
        PackageOutcome.DependencyProblem or PackageOutcome.DependencyCheckFailure or PackageOutcome.Timeout => "#fdf3d8",
        _ => "#eee",
    };

    /// <summary>The page with verdicts.</summary>
    public static string Render(IReadOnlyList<PackageVerdict> verdicts, string baselineName, IReadOnlyDictionary<string, string>? provided = null, RunHeader? header = null)
    {
        var blocked = VerdictBuilder.Blocked(verdicts);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pkg-build: regressions</title>\n<style>\n")
            .Append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}")
            .Append(string.Concat(Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank).Select(v => $".{v.Spelling()}{{background:{Background(v)}}}")))
            .Append("code{white-space:pre-wrap;font-size:90%}#filters label{margin-right:1em}")
            .Append("\n</style></head><body>\n<h1>pkg-build: what the change does</h1>\n").Append(RunHeaderReport.Html(header))
            .Append($"<p>{verdicts.Count} package(s) compared with {E(baselineName)}.</p>\n<form id=\"filters\" onsubmit=\"return false\"><p>");
        foreach (var v in Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank))
        {
            var n = verdicts.Count(x => x.Verdict == v);
            html.Append($"<label><input type=\"checkbox\" name=\"verdict\" value=\"{v.Spelling()}\"{(v == Verdict.StillPassing ? "" : " checked")}> {E(v.Label())} (<span class=\"count\" data-verdict=\"{v.Spelling()}\">{n}</span>)</label>");
        }
        html.Append("</p><p><label>name <input id=\"name\" type=\"search\"></label><label>author <input id=\"author\" type=\"search\"></label>")
            .Append(" <span id=\"shown\"></span></p></form>\n")
            .Append("<table id=\"verdicts\"><thead><tr><th>package</th><th>verdict</th><th>impact</th><th>with the change</th><th>without</th><th>first different log line</th><th>author</th></tr></thead><tbody>\n");
        foreach (var v in verdicts)
        {
            html.Append($"<tr id=\"{E(v.Package)}\" class=\"{v.Verdict.Spelling()}\" data-verdict=\"{v.Verdict.Spelling()}\" data-name=\"{E(v.Package)}\" data-author=\"{E(v.Author ?? "")}\">")
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
                html.Append($"<br><small class=\"confirmations\">confirmation runs (with / without): {string.Join("; ", v.Confirmations.Select(c => $"{Confirmation(c.Modified, c.ModifiedLogs)} / {Confirmation(c.Baseline, c.BaselineLogs)}"))}</small>");
            }
            if (v.Verdict == Verdict.ChangedFailure)
            {
                html.Append(ChangedFailureHtml(v));
            }
            html.Append($"</td><td>{v.Impact}</td><td>{Side(v.Modified)}</td><td>{(v.Baseline == null ? "—" : Side(v.Baseline))}</td><td>");
            if (v.Divergence is { } d)
            {
                html.Append($"line {d.Line}:<br><code>+ {E(Readable(d.Modified))}</code>");
                if (d.Baseline != null)
                {
                    html.Append($"<br><code>- {E(Readable(d.Baseline))}</code>");
                }
            }
            html.Append($"</td><td>{E(v.Author ?? "")}</td></tr>\n");
        }
        html.Append("</tbody></table>\n").Append(ProvidedPackagesReport.Html(provided)).Append(FailureGroupsHtml(verdicts)).Append("<script>\n").Append(FilterScript).Append("</script>\n</body></html>\n");
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

    private static string Background(Verdict verdict) => verdict switch
    {
        Verdict.Regressed => "#fbe3e3",
        Verdict.BlockedByRegression => "#fdeeee",
        Verdict.Flaky or Verdict.Unconfirmed or Verdict.Spurious => "#fdf3d8",
        Verdict.Fixed => "#e3f0fb",
        Verdict.ChangedFailure => "#f1e6f8",
        Verdict.StillPassing => "#eef8ee",
        _ => "#f4f4f4",
    };

    /// <summary>A changed failure's two first errors, under its verdict.</summary>
    private static string ChangedFailureHtml(PackageVerdict v) =>
        $"<br><small>with the change ({E(v.Modified.Step ?? "")}): <code>{E(ReportText.Cut(FirstError.Shown(v.Modified.FirstError)))}</code>"
        + $"<br>without ({E(v.Baseline?.Step ?? "")}): <code>{E(ReportText.Cut(FirstError.Shown(v.Baseline?.FirstError)))}</code></small>";

    /// <summary>The verdicts page's failure groups: for each verdict with failures, its failed packages by first error.</summary>
    private static string FailureGroupsHtml(IReadOnlyList<PackageVerdict> verdicts)
    {
        var byVerdict = FailureGroups.Of(verdicts);
        if (byVerdict.Count == 0)
        {
            return "";
        }
        var html = new StringBuilder("<h2 id=\"failure-groups\">Failure groups</h2>\n<p>Failed packages by their first error (paths, times and ids blanked out): with the change, or without it for a fixed package.</p>\n");
        foreach (var (verdict, groups) in byVerdict)
        {
            html.Append($"<h3>{E(verdict.Label())}</h3>\n").Append(GroupTable(groups));
        }
        return html.ToString();
    }

    /// <summary>The plain page's failure groups: the failed packages by first error.</summary>
    private static string FailureGroupsHtml(IReadOnlyList<FailureGroup> groups) => groups.Count == 0
        ? ""
        : "<h2 id=\"failure-groups\">Failure groups</h2>\n<p>Failed packages by their first error (paths, times and ids blanked out).</p>\n" + GroupTable(groups);

    private static string GroupTable(IReadOnlyList<FailureGroup> groups)
    {
        var html = new StringBuilder("<table class=\"failure-groups\"><thead><tr><th>first error</th><th>packages</th></tr></thead><tbody>\n");
        foreach (var g in groups)
        {
            html.Append($"<tr><td><code>{E(ReportText.Cut(g.Error ?? "(not known)"))}</code></td><td>{g.Packages.Count}: ")
                .Append(string.Join(", ", g.Packages.Select(p => $"<a href=\"#{E(p)}\">{E(p)}</a>"))).Append("</td></tr>\n");
        }
        return html.Append("</tbody></table>\n").ToString();
    }

    private static string Side(PackageResult r)
    {
        // Only a plain relative path becomes a link: a baseline summary is someone else's, and its paths
        // could be javascript: or point anywhere.
        var logs = new[] { ("install", r.InstallLog), ("dependencies", r.DependencyLog), ("tests", r.TestLog) }.Where(l => l.Item2 != null)
            .Select(l => IsPlainRelativePath(l.Item2!) ? $"<a href=\"{E(l.Item2!)}\">{l.Item1}</a>" : $"{l.Item1}: {E(l.Item2!)}");
        return $"{E(r.Outcome.Label())}{(r.BlockedBy != null ? $" ({E(r.BlockedBy)})" : "")}<br><small>{string.Join(" ", logs)}</small>";
    }

    /// <summary>A confirmation run's outcome on one side, each of its logs a link (only plain relative paths are).</summary>
    private static string Confirmation(PackageOutcome outcome, IReadOnlyList<string> logs) =>
        E(outcome.Label()) + string.Concat(logs.Where(IsPlainRelativePath).Select(l => $" <a href=\"{E(l)}\">{E(LogName(l))}</a>"));

    /// <summary>A log's step, from its file name (<c>…/test.txt</c>: test).</summary>
    private static string LogName(string path) => Path.GetFileNameWithoutExtension(path);

    private static string E(string text) => Html(text);
}
