using System.Text.Json;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;
using static PkgBuild.Pipeline.Tests.Verdicts.Outcomes;

namespace PkgBuild.Pipeline.Tests.Reports;

public sealed class ReportsWithBaselineTests
{
    private const string EvilName = "<script>alert(1)</script>\"q'|*b*`t`\nnext";
    private const string EvilAuthor = "\"Mallory\" <img src=x onerror=alert(2)> | *bold* `code`\nsecond line";
    private const string EvilLine = "</code><script>alert(3)</script> \"x\" | *y* `tick`\nnot a new line";

    private static PackageVerdict V(string package, Verdict verdict, int impact = 0, string? author = null, string? rootCause = null,
        LogDivergence? divergence = null, PackageOutcome modified = PackageOutcome.TestFailure, PackageOutcome baseline = PackageOutcome.Success) => new()
        {
            Package = package,
            Verdict = verdict,
            Modified = R(package, modified, author: author, blockedBy: modified == PackageOutcome.BlockedByDependency ? rootCause : null),
            Baseline = verdict == Verdict.New ? null : R(package, baseline),
            RootCause = rootCause,
            Impact = impact,
            Divergence = divergence,
        };

    /// <summary>A realistic set, in <see cref="VerdictBuilder.Build"/>'s order.</summary>
    private static IReadOnlyList<PackageVerdict> Scenario()
    {
        var graph = Graphs.Of(("core", []), ("mid", ["core"]), ("app", ["mid"]), ("ok-1", []), ("ok-2", []), ("shaky", []), ("slow", []),
            ("healed", []), ("fresh", []), ("broken", []), ("lone", []));
        return VerdictBuilder.Build(graph,
            Side(R("ok-1", Pass), R("core", TestFail, author: "ann@example.org"), R("mid", Blocked, "core"), R("app", Blocked, "core"), R("ok-2", Pass),
                R("shaky", InstallFail), R("slow", TimedOut), R("healed", Pass), R("fresh", Pass), R("broken", InstallFail), R("lone", DepFail)),
            Side(R("ok-1", Pass), R("core", Pass), R("mid", Pass), R("app", Pass), R("ok-2", Pass), R("shaky", Pass), R("slow", Pass),
                R("healed", TestFail), R("broken", InstallFail), R("lone", Pass)),
            new Dictionary<string, IReadOnlyList<ConfirmRun>>
            {
                ["core"] = [new ConfirmRun(TestFail, Pass)],
                ["shaky"] = [new ConfirmRun(Pass, Pass)],
                ["lone"] = [new ConfirmRun(DepFail, Pass)],
            },
            (b, m) => m.Package == "core" ? new LogDivergence(4, "FAILED: core", "ok") : null);
    }

    private static List<(string Id, string Class, string Verdict)> Rows(string html) =>
        Regex.Matches(html, "<tr id=\"([^\"]*)\" class=\"([^\"]*)\" data-verdict=\"([^\"]*)\"")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();

    private static string Row(string html, string id)
    {
        var start = html.IndexOf($"<tr id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, id);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    // ---- HTML ----

    [Fact]
    public void Html_escapes_names_authors_and_log_lines()
    {
        var html = HtmlReport.Render(
        [
            V(EvilName, Verdict.Regressed, impact: 2, author: EvilAuthor, divergence: new LogDivergence(3, EvilLine, EvilLine + " (before)")),
            V("victim", Verdict.BlockedByRegression, rootCause: EvilName, modified: Blocked),
        ], "<b>baseline</b> \"summary\"");

        // The only script element is the report's own filter script, after the table.
        Assert.Single(Regex.Matches(html, "<script", RegexOptions.IgnoreCase));
        Assert.True(html.IndexOf("<script>", StringComparison.Ordinal) > html.IndexOf("</table>", StringComparison.Ordinal));
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("</code><script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;q&#39;|*b*`t`", html);
        Assert.Contains("&quot;Mallory&quot; &lt;img src=x onerror=alert(2)&gt;", html);
        Assert.Contains("&lt;/code&gt;&lt;script&gt;alert(3)&lt;/script&gt; &quot;x&quot;", html);
        Assert.Contains("&lt;b&gt;baseline&lt;/b&gt; &quot;summary&quot;", html);
        // No attribute is closed early: every quote in a value is escaped.
        Assert.DoesNotContain("\"q'", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#&lt;script&gt;", html);
        // Each row is still one row.
        Assert.Equal(2, Regex.Matches(html, "<tr id=").Count);
        Assert.Equal(Regex.Matches(html, "<tr[ >]").Count, Regex.Matches(html, "</tr>").Count);
    }

    [Fact]
    public void Html_has_one_row_per_verdict_with_its_data_verdict()
    {
        var verdicts = Scenario();

        var html = HtmlReport.Render(verdicts, "summary.rktd");

        var rows = Rows(html);
        Assert.Equal(verdicts.Select(v => v.Package), rows.Select(r => r.Id));
        Assert.Equal(
            verdicts.Select(v => v.Verdict switch
            {
                Verdict.Regressed => "regressed",
                Verdict.BlockedByRegression => "blocked-by-regression",
                Verdict.Flaky => "flaky",
                Verdict.Spurious => "spurious",
                Verdict.Fixed => "fixed",
                Verdict.New => "new",
                Verdict.StillFailing => "still-failing",
                Verdict.ChangedFailure => "changed-failure",
                _ => "still-passing",
            }),
            rows.Select(r => r.Verdict));
        Assert.All(rows, r => Assert.Equal(r.Verdict, r.Class));
        Assert.Contains($"{verdicts.Count} package(s) compared with summary.rktd", html);
    }

    [Fact]
    public void Html_lists_regressions_before_everything_else_and_still_passing_last()
    {
        var rows = Rows(HtmlReport.Render(Scenario(), "summary.rktd"));

        var lastRegressed = rows.FindLastIndex(r => r.Verdict == "regressed");
        var firstPassing = rows.FindIndex(r => r.Verdict == "still-passing");
        Assert.Equal(["core", "lone"], rows.Take(2).Select(r => r.Id)); // by impact
        Assert.Equal(1, lastRegressed);
        Assert.True(firstPassing > lastRegressed);
        Assert.All(rows.Skip(firstPassing), r => Assert.Equal("still-passing", r.Verdict));
    }

    [Fact]
    public void Html_checkbox_counts_match_the_rows()
    {
        var verdicts = Scenario();
        var html = HtmlReport.Render(verdicts, "summary.rktd");

        var counts = Regex.Matches(html, "<input type=\"checkbox\" name=\"verdict\" value=\"([a-z-]+)\"( checked)?> [^<]* \\(<span class=\"count\" data-verdict=\"([a-z-]+)\">(\\d+)</span>\\)")
            .ToDictionary(m => m.Groups[3].Value, m => (Count: int.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture), Checked: m.Groups[2].Success, Value: m.Groups[1].Value));
        var rows = Rows(html);

        Assert.Equal(Enum.GetValues<Verdict>().Length, counts.Count);
        Assert.All(counts, c => Assert.Equal(c.Key, c.Value.Value));
        Assert.All(counts, c => Assert.Equal(rows.Count(r => r.Verdict == c.Key), c.Value.Count));
        Assert.Equal(verdicts.Count, counts.Values.Sum(c => c.Count));
        Assert.Equal(2, counts["regressed"].Count);
        Assert.Equal(2, counts["blocked-by-regression"].Count);
        Assert.Equal(2, counts["still-passing"].Count);
        // Still passing is the one box not ticked at first.
        Assert.Equal(["still-passing"], counts.Where(c => !c.Value.Checked).Select(c => c.Key));
    }

    [Fact]
    public void Html_links_blocked_packages_and_their_root_both_ways_and_shows_the_divergence()
    {
        var html = HtmlReport.Render(Scenario(), "summary.rktd");

        Assert.Contains("<td>blocked by a regression (<a href=\"#core\">core</a>)", Row(html, "mid"));
        Assert.Contains("blocks <a href=\"#mid\">mid</a>, <a href=\"#app\">app</a>", Row(html, "core"));
        Assert.Contains("line 4:<br><code>+ FAILED: core</code><br><code>- ok</code>", Row(html, "core"));
        Assert.Contains("confirmation runs (with / without): test failure / success", Row(html, "core"));
        Assert.Contains("ann@example.org", Row(html, "core"));
        Assert.Contains("<td>—</td>", Row(html, "fresh"));
    }

    [Fact]
    public void Html_does_not_turn_log_paths_from_an_untrusted_baseline_summary_into_script_links()
    {
        // A summary from elsewhere names its logs; the report links them.
        var baseline = BaselineSummary.Parse("""
            #hash(("victim" . #hash((success-log . "javascript:alert(document.cookie)") (failure-log . #f) (dep-failure-log . #f)
                                    (test-success-log . "JavaScript:alert(1)") (test-failure-log . #f) (author . "x"))))
            """, "summary.rktd");
        var verdicts = VerdictBuilder.Build(Graphs.Of(("victim", [])), Side(R("victim", TestFail)), baseline,
            new Dictionary<string, IReadOnlyList<ConfirmRun>>());

        var html = HtmlReport.Render(verdicts, "https://example.org/summary.rktd");

        Assert.DoesNotContain("href=\"javascript:", html, StringComparison.OrdinalIgnoreCase);
    }

    // ---- Markdown ----

    [Fact]
    public void Markdown_escapes_table_link_and_emphasis_characters_and_newlines_in_names()
    {
        var md = MarkdownReport.Render(
        [
            V("a|b*c_d[e](f)\nnext", Verdict.Regressed, impact: 1),
            V("blocked*one", Verdict.BlockedByRegression, rootCause: "a|b*c_d[e](f)\nnext", modified: Blocked),
            V("shaky_[x]", Verdict.Flaky),
        ], "base|line*");

        Assert.Contains("- **a\\|b\\*c\\_d\\[e\\](f) next**:", md);
        Assert.Contains("blocks blocked\\*one", md);
        Assert.Contains("shaky\\_\\[x\\]", md);
        Assert.Contains("(compared with base\\|line\\*)", md);
        Assert.DoesNotContain(md.Split('\n'), l => l.StartsWith("next", StringComparison.Ordinal));
    }

    [Fact]
    public void Markdown_keeps_a_log_line_inside_its_code_span()
    {
        var md = MarkdownReport.Render([V("pkg", Verdict.Regressed, divergence: new LogDivergence(7, EvilLine, "ok"))], "summary.rktd");

        var line = Assert.Single(md.Split('\n'), l => l.StartsWith("- **pkg**", StringComparison.Ordinal));
        var span = Regex.Match(line, "first different log line 7: `([^`]*)`$");
        Assert.True(span.Success, line);
        Assert.Contains("alert(3)", span.Groups[1].Value);
        Assert.Contains("'tick'", span.Groups[1].Value);
        Assert.Contains("not a new line", span.Groups[1].Value);
    }

    [Fact]
    public void Markdown_does_not_pass_raw_html_through_from_package_names()
    {
        var md = MarkdownReport.Render([V(EvilName, Verdict.Regressed), V("<img src=x>", Verdict.Flaky)], "summary.rktd");

        // Raw HTML in a pull request comment: an <a>, <img> or <details> from a name would render.
        Assert.DoesNotContain("<script>", md, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_does_not_let_a_backtick_in_one_name_open_a_code_span_closed_by_the_next()
    {
        var md = MarkdownReport.Render([V("x`y", Verdict.Flaky), V("z`w", Verdict.Flaky)], "summary.rktd");

        Assert.DoesNotMatch(@"(?<!\\)`", md);
    }

    [Fact]
    public void Markdown_has_the_counts_of_every_verdict()
    {
        var verdicts = Scenario();

        var md = MarkdownReport.Render(verdicts, "summary.rktd");

        // One line, every verdict some package has but still passing, which is the rest.
        var counts = Assert.Single(md.Split('\n'), l => l.StartsWith("**", StringComparison.Ordinal) && l.Contains(" of 11**", StringComparison.Ordinal));
        Assert.Equal("**2 regressed, 2 blocked by a regression, 1 flaky, 1 spurious, 1 fixed, 1 new, 1 still failing of 11** (compared with summary.rktd)", counts);
        Assert.DoesNotContain("still passing", md);
        Assert.DoesNotContain("| regressed |", md); // no table: the comment stays short
    }

    [Fact]
    public void Markdown_lists_at_most_twenty_regressions_by_impact_and_names_the_blocked_under_their_root()
    {
        var verdicts = Enumerable.Range(0, 25).Select(i => V($"reg-{i:00}", Verdict.Regressed, impact: i))
            .Append(V("under-24", Verdict.BlockedByRegression, rootCause: "reg-24", modified: Blocked))
            .Append(V("also-under-24", Verdict.BlockedByRegression, rootCause: "reg-24", modified: Blocked))
            .Append(V("under-0", Verdict.BlockedByRegression, rootCause: "reg-00", modified: Blocked))
            .Append(V("shaky", Verdict.Flaky))
            .Append(V("fine", Verdict.StillPassing, modified: Pass))
            .ToList();

        var md = MarkdownReport.Render(verdicts, "summary.rktd");

        var listed = md.Split('\n').Where(l => l.StartsWith("- **", StringComparison.Ordinal)).ToList();
        Assert.Equal(20, listed.Count);
        Assert.Equal(Enumerable.Range(5, 20).Reverse().Select(i => $"- **reg-{i:00}**:"), listed.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)] + ":"));
        Assert.Contains("- … and 5 more (see report.html)", md);
        Assert.Contains("- **reg-24**: test failure (was success); 24 package(s) depend on it; blocks under-24, also-under-24\n", md);
        Assert.DoesNotContain("under-0", md); // its root is not among the twenty shown
        Assert.Contains("### Flaky (not counted as regressions)\n\nshaky\n", md);
        Assert.DoesNotContain("fine", md);
        Assert.Contains("**25 regressed, 3 blocked by a regression, 1 flaky of 30**", md);
    }

    [Fact]
    public void Markdown_without_regressions_or_flakes_has_only_the_counts()
    {
        var md = MarkdownReport.Render([V("fine", Verdict.StillPassing, modified: Pass)], "summary.rktd");

        Assert.DoesNotContain("###", md);
        Assert.Contains("**all 1 still passing**", md);
    }

    [Fact]
    public void Every_report_names_the_packages_the_Racket_under_test_provides()
    {
        using var dir = new TempDirectory();
        var provided = new Dictionary<string, string> { ["typed-racket-lib"] = "abc", ["base"] = "def" };

        ReportWriter.Write(new ResultsLayout(dir.Path), RunResults.Compared([V("fine", Verdict.StillPassing, modified: Pass)], "summary.rktd", provided));

        Assert.Contains("Provided by the Racket under test (given, not built): 2 package(s): base, typed-racket-lib.", File.ReadAllText(dir.Combine("report.md")));
        Assert.Contains("given (never built, never a blocker): base, typed-racket-lib.", File.ReadAllText(dir.Combine("report.html")));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.Combine("results.json")));
        var listed = json.RootElement.GetProperty("providedByRacket").EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("checksum").GetString()));
        Assert.Equal([("base", "def"), ("typed-racket-lib", "abc")], listed);
    }

    // ---- Write ----

    [Fact]
    public void Write_creates_results_json_report_md_and_report_html_and_nothing_else()
    {
        using var dir = new TempDirectory();
        var verdicts = Scenario();

        ReportWriter.Write(new ResultsLayout(dir.Path), RunResults.Compared(verdicts, "summary.rktd"));
        ReportWriter.Write(new ResultsLayout(dir.Path), RunResults.Compared(verdicts, "summary.rktd")); // overwrites in place

        Assert.Equal(["report.html", "report.md", "results.json"],
            Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(MarkdownReport.Render(verdicts, "summary.rktd"), File.ReadAllText(dir.Combine("report.md")));
        Assert.Equal(HtmlReport.Render(verdicts, "summary.rktd"), File.ReadAllText(dir.Combine("report.html")));

        using var json = JsonDocument.Parse(File.ReadAllText(dir.Combine("results.json")));
        var root = json.RootElement;
        Assert.Equal("summary.rktd", root.GetProperty("baseline").GetString());
        var counts = root.GetProperty("counts");
        foreach (var v in Enum.GetValues<Verdict>())
        {
            Assert.Equal(verdicts.Count(x => x.Verdict == v), counts.GetProperty(v.Spelling()).GetInt32());
        }
        Assert.Equal(2, counts.GetProperty("still-passing").GetInt32()); // keyed by spelling, not by label
        Assert.False(counts.TryGetProperty("still passing", out _));
        var array = root.GetProperty("verdicts");
        Assert.Equal(verdicts.Count, array.GetArrayLength());
        Assert.Equal(verdicts.Select(v => v.Package), array.EnumerateArray().Select(e => e.GetProperty("package").GetString()));
        var mid = array.EnumerateArray().Single(e => e.GetProperty("package").GetString() == "mid");
        Assert.Equal("blocked-by-regression", mid.GetProperty("verdict").GetString());
        Assert.Equal("core", mid.GetProperty("rootCause").GetString());
        var core = array.EnumerateArray().Single(e => e.GetProperty("package").GetString() == "core");
        Assert.Equal(2, core.GetProperty("impact").GetInt32());
        Assert.Equal(4, core.GetProperty("divergence").GetProperty("line").GetInt32());
        Assert.Equal("test-failure", core.GetProperty("modified").GetProperty("outcome").GetString());
        Assert.Equal("success", core.GetProperty("baseline").GetProperty("outcome").GetString());
        Assert.Equal(1, core.GetProperty("confirmations").GetArrayLength());
        Assert.False(array.EnumerateArray().Single(e => e.GetProperty("package").GetString() == "fresh").TryGetProperty("baseline", out _));
    }

    [Fact]
    public void Write_creates_the_results_directory_when_missing()
    {
        using var dir = new TempDirectory();
        var results = dir.Combine("results", "nested");

        ReportWriter.Write(new ResultsLayout(results), RunResults.Compared(Scenario(), "summary.rktd"));

        Assert.Equal(3, Directory.EnumerateFiles(results).Count());
    }

    // ---- Changed failures and failure groups ----

    private static IReadOnlyList<PackageVerdict> FailingScenario()
    {
        PackageResult F(string package, PackageOutcome outcome, string step, string error) => R(package, outcome) with { Step = step, FirstError = error };
        var graph = Graphs.Of(("moved", []), ("evil", []), ("one", []), ("two", []), ("three", []), ("fine", []));
        return VerdictBuilder.Build(graph,
            Side(F("moved", InstallFail, "install", "/s/moved-0123456789ab/moved/main.rkt:2:15: h: unbound identifier"),
                F("evil", TestFail, "test", EvilLine),
                F("one", TestFail, "test", "/tmp/a/one/main.rkt: shared: broke at 12:01:02"),
                F("two", TestFail, "test", "/tmp/b/one/main.rkt: shared: broke at 13:14:15"),
                F("three", InstallFail, "install", "x: other"), R("fine", Pass)),
            Side(F("moved", InstallFail, "install", "/s/moved-ba9876543210/moved/main.rkt:2:15: g: unbound identifier"),
                F("evil", InstallFail, "install", "x: was <b>"),
                F("one", TestFail, "test", "/tmp/c/one/main.rkt: shared: broke at 1:02:03"),
                F("two", TestFail, "test", "/tmp/d/one/main.rkt: shared: broke at 1:02:03"),
                F("three", InstallFail, "install", "x: other"), R("fine", Pass)),
            new Dictionary<string, IReadOnlyList<ConfirmRun>>());
    }

    [Fact]
    public void A_changed_failure_is_listed_before_the_still_failing_with_both_first_errors_escaped()
    {
        var verdicts = FailingScenario();
        Assert.Equal(["evil", "moved", "one", "three", "two", "fine"], verdicts.Select(v => v.Package));
        Assert.Equal([Verdict.ChangedFailure, Verdict.ChangedFailure, Verdict.StillFailing, Verdict.StillFailing, Verdict.StillFailing, Verdict.StillPassing],
            verdicts.Select(v => v.Verdict));

        var html = HtmlReport.Render(verdicts, "summary.rktd");
        var moved = Row(html, "moved");
        Assert.Contains("with the change (install): <code>…/moved/main.rkt:2:15: h: unbound identifier</code>", moved);
        Assert.Contains("without (install): <code>…/moved/main.rkt:2:15: g: unbound identifier</code>", moved);
        Assert.Contains(".changed-failure{background:", html);
        Assert.Contains("value=\"changed-failure\" checked> changed failure (<span class=\"count\" data-verdict=\"changed-failure\">2</span>)", html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<b>", html);

        var md = MarkdownReport.Render(verdicts, "summary.rktd");
        Assert.Contains("2 changed failure", md.Split('\n').Single(l => l.StartsWith("**", StringComparison.Ordinal)));
        Assert.Contains("- **moved**: install `…/moved/main.rkt:2:15: h: unbound identifier` (was install `…/moved/main.rkt:2:15: g: unbound identifier`)", md);
        var evil = md.Split('\n').Single(l => l.StartsWith("- **evil**", StringComparison.Ordinal));
        Assert.Contains("'tick'", evil);
        Assert.Equal(4, evil.Count(c => c == '`')); // the backticks in the error cannot end its code span, where its HTML is text
    }

    [Fact]
    public void Failures_with_one_first_error_are_one_group_in_each_report()
    {
        var verdicts = FailingScenario();

        var groups = FailureGroups.Of(verdicts);
        Assert.Equal([Verdict.ChangedFailure, Verdict.StillFailing], groups.Select(g => g.Verdict));
        var still = groups[1].Groups;
        Assert.Equal(["…/one/main.rkt: shared: broke at …: one two", "x: other: three"], still.Select(g => $"{g.Error}: {string.Join(" ", g.Packages)}"));

        var html = HtmlReport.Render(verdicts, "summary.rktd");
        var section = html[html.IndexOf("<h2 id=\"failure-groups\">Failure groups</h2>", StringComparison.Ordinal)..];
        Assert.True(section.IndexOf("<script>", StringComparison.Ordinal) > section.IndexOf("<h3>still failing</h3>", StringComparison.Ordinal)); // after the table, before the filter
        Assert.Contains("<tr><td><code>…/one/main.rkt: shared: broke at …</code></td><td>2: <a href=\"#one\">one</a>, <a href=\"#two\">two</a></td></tr>", section);
        Assert.Contains("&lt;/code&gt;&lt;script&gt;", section); // the evil error, escaped

        var md = MarkdownReport.Render(verdicts, "summary.rktd");
        Assert.Contains("### Failure groups (one first error, several packages)", md);
        Assert.Contains("| still failing | `…/one/main.rkt: shared: broke at …` | 2: one, two |", md);
        Assert.DoesNotContain("x: other", md); // a group of one is in report.html only

        var plain = HtmlReport.Render(verdicts.Select(v => v.Modified).ToList());
        Assert.Contains("<h2 id=\"failure-groups\">Failure groups</h2>", plain);
        Assert.Contains("2: <a href=\"#one\">one</a>, <a href=\"#two\">two</a>", plain);
        Assert.Equal(4, RunResults.Plain(verdicts.Select(v => v.Modified).ToList()).FailureGroups.Count); // one+two, three, moved, evil
    }
}
