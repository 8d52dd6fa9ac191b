using System.Text.Json;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;
using static PkgBuild.Pipeline.Tests.Verdicts.Outcomes;

namespace PkgBuild.Pipeline.Tests.Reports;

public sealed class RunHeaderTests
{
    private const string Evil = "<script>alert(1)</script>|*x*`t`[l](u)\nnext";

    private static RunHeader Header(string name = "qs-base", string source = "git://example.org/qs-base.git", string commit = "0123456789abcdef0123456789abcdef01234567") => new()
    {
        Overrides = [new TestedOverride(name, source, "main", commit, "branch", [new TestedPackage("qs-base", "git://example.org/old.git", source)])],
        Racket = new TestedRacket("racket-8.7-x86_64-linux-cs.sh", "feedface", "Local racket 8.7 chez-scheme"),
        Catalogs = ["https://pkgs.racket-lang.org/"],
        CatalogsCopied = new DateTimeOffset(2024, 5, 1, 10, 30, 0, TimeSpan.Zero),
        Guests = [new TestedGuest("local", "Local", null)],
        Date = new DateTimeOffset(2024, 5, 2, 8, 0, 0, TimeSpan.Zero),
    };

    private static PackageVerdict V(string package, Verdict verdict, IReadOnlyList<ConfirmRun>? confirmations = null, LogDivergence? divergence = null) => new()
    {
        Package = package,
        Verdict = verdict,
        Modified = R(package, TestFail) with { TestLog = $"logs/{package}/test.txt" },
        Baseline = R(package, Pass) with { TestLog = $"baseline/logs/{package}/test.txt" },
        Confirmations = confirmations ?? [],
        Divergence = divergence,
    };

    [Fact]
    public void Every_report_starts_with_the_override_its_commit_and_the_Racket()
    {
        using var dir = new TempDirectory();
        var run = RunResults.Compared([V("qs-app", Verdict.Regressed)], "summary.rktd") with { Header = Header() };

        ReportWriter.Write(new ResultsLayout(dir.Path), run);

        var md = File.ReadAllText(dir.Combine("report.md"));
        var lines = md.Split('\n');
        Assert.Equal("## pkg-build: what the change does", lines[0]);
        Assert.StartsWith("**Change:** override **qs-base** → `git://example.org/qs-base.git` rev `main` at commit `0123456789abcdef0123456789abcdef01234567` (qs-base)", lines[2]);
        Assert.StartsWith("**Racket:** installer racket-8.7-x86\\_64-linux-cs.sh (sha256 feedface): Local racket 8.7 chez-scheme", lines[3]);
        Assert.StartsWith("**Catalogs:** https://pkgs.racket-lang.org/ (copied 2024-05-01 10:30 UTC)", lines[4]);
        Assert.Equal("**Guests:** local (Local) · 2024-05-02 08:00 UTC", lines[5]);
        Assert.Equal("**1 regressed of 1** (compared with summary.rktd)", lines[7]);

        foreach (var html in new[] { File.ReadAllText(dir.Combine("report.html")), HtmlReport.Render(run with { Verdicts = null }) })
        {
            // Right under the title, before the filters or the counts.
            var tested = html.IndexOf("<section id=\"tested\">", StringComparison.Ordinal);
            Assert.True(tested > html.IndexOf("</h1>", StringComparison.Ordinal) && tested < html.IndexOf("<table", StringComparison.Ordinal));
            Assert.Contains("override <b>qs-base</b>: <code>git://example.org/qs-base.git</code> rev <code>main</code> at commit <code class=\"commit\">0123456789abcdef0123456789abcdef01234567</code> (branch)", html);
            Assert.Contains("<li>qs-base: <code>git://example.org/old.git</code> → <code>git://example.org/qs-base.git</code></li>", html);
            Assert.Contains("<li class=\"racket\">Racket: installer racket-8.7-x86_64-linux-cs.sh (sha256 feedface): Local racket 8.7 chez-scheme</li>", html);
            Assert.Contains("guests: local (Local)", html);
            Assert.Contains("date: 2024-05-02 08:00 UTC", html);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(dir.Combine("results.json")));
        var header = json.RootElement.GetProperty("tested");
        var o = Assert.Single(header.GetProperty("overrides").EnumerateArray().ToList());
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", o.GetProperty("commit").GetString());
        Assert.Equal("git://example.org/old.git", o.GetProperty("packages")[0].GetProperty("oldSource").GetString());
        Assert.Equal("installer", header.GetProperty("racket").GetProperty("kind").GetString());
        Assert.Equal("feedface", header.GetProperty("racket").GetProperty("sha256").GetString());
        Assert.Equal("2024-05-01T10:30:00.0000000+00:00", header.GetProperty("catalogsCopied").GetString());
        Assert.Equal("local", header.GetProperty("guests")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void The_header_escapes_what_the_catalogs_and_items_say()
    {
        var header = Header(Evil, Evil + "-source", Evil + "-commit") with { Catalogs = [Evil], Guests = [new TestedGuest(Evil, "Local", Evil)], Racket = new TestedRacket(null, null, Evil) };

        var html = RunHeaderReport.Html(header);
        var md = RunHeaderReport.Markdown(header);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("Racket: Preinstalled: &lt;script&gt;", html);
        // Outside code spans (where Markdown makes neither HTML nor links) every angle bracket and bracket is escaped.
        var prose = Regex.Replace(md, "`[^`]*`", "");
        Assert.DoesNotContain("<script", prose, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(?<!\\)\]\(", prose);
        // Every line still starts as the header made it: a line break in a name makes none.
        Assert.All(md.TrimEnd('\n').Split('\n'), l => Assert.StartsWith("**", l));
        // Code spans stay closed: the backtick in a value is not one.
        Assert.All(md.Split('\n'), l => Assert.Equal(0, Regex.Matches(l, "(?<!\\\\)`").Count % 2));
    }

    [Fact]
    public void A_pkg_build_without_overrides_says_so()
    {
        Assert.StartsWith("**Change:** none (no override)\n", RunHeaderReport.Markdown(Header() with { Overrides = [] }));
        Assert.Contains("<li>no override: the catalogs as they are</li>", RunHeaderReport.Html(Header() with { Overrides = [] }));
    }

    [Fact]
    public void The_overrides_are_read_from_the_edit_report()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("catalog-edits.json");
        File.WriteAllText(path, """
            {"catalog":"x","overrides":[{"name":"fork","source":"git://h/r.git","rev":"main","commit":"abc","resolvedAs":"branch","packages":["a","b"]},
              {"name":"repo","repository":"git://h/old","with":"git://h/new","commit":"def","resolvedAs":"Commit attribute","packages":[]}],
             "edits":[{"package":"a","override":"fork","oldSource":"git://h/a","newSource":"git://h/r.git?path=a"},{"package":"b","override":"fork","newSource":"git://h/r.git?path=b"}]}
            """);

        var overrides = RunHeader.ReadOverrides(path);

        Assert.Equal(2, overrides.Count);
        Assert.Equal(("fork", "git://h/r.git", "main", "abc", "branch"), (overrides[0].Name, overrides[0].Source, overrides[0].Rev, overrides[0].Commit, overrides[0].ResolvedAs));
        Assert.Equal([new TestedPackage("a", "git://h/a", "git://h/r.git?path=a"), new TestedPackage("b", null, "git://h/r.git?path=b")], overrides[0].Packages);
        Assert.Equal("git://h/old → git://h/new", overrides[1].Source);
        Assert.Null(overrides[1].Rev);
        Assert.Empty(RunHeader.ReadOverrides(dir.Combine("none.json")));
    }

    [Fact]
    public void Confirmation_runs_link_their_logs_in_the_page_and_in_results_json()
    {
        using var dir = new TempDirectory();
        var runs = new[]
        {
            new ConfirmRun(Pass, Pass) { ModifiedLogs = ["confirm/modified-1/logs/shaky/test.txt"], BaselineLogs = ["confirm/baseline-1/logs/shaky/test.txt"] },
            new ConfirmRun(TestFail, Pass) { ModifiedLogs = ["javascript:alert(1)", "/etc/passwd"] },
        };
        var run = RunResults.Compared([V("shaky", Verdict.Flaky, runs)], "run");

        ReportWriter.Write(new ResultsLayout(dir.Path), run);

        var html = File.ReadAllText(dir.Combine("report.html"));
        Assert.Contains("<a href=\"confirm/modified-1/logs/shaky/test.txt\">test</a>", html);
        Assert.Contains("<a href=\"confirm/baseline-1/logs/shaky/test.txt\">test</a>", html);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/etc", html, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.Combine("results.json")));
        var confirmations = json.RootElement.GetProperty("verdicts")[0].GetProperty("confirmations");
        Assert.Equal("confirm/modified-1/logs/shaky/test.txt", confirmations[0].GetProperty("modifiedLogs")[0].GetString());
        Assert.Equal("confirm/baseline-1/logs/shaky/test.txt", confirmations[0].GetProperty("baselineLogs")[0].GetString());
    }

    [Fact]
    public void The_line_where_two_logs_part_is_shown_with_its_line_breaks_and_kept_short()
    {
        var line = "raco setup: error: during making for <pkgs>/qs-text\\n   qs-text/main.rkt:3:0: join-words: unbound identifier\\n    in: join-words\\n  context...:\\n   more";

        Assert.Equal("raco setup: error: during making for <pkgs>/qs-text\n   qs-text/main.rkt:3:0: join-words: unbound identifier\n    in: join-words…", ReportText.Readable(line));
        Assert.Equal(new string('x', ReportText.ReadableLength) + "…", ReportText.Readable(new string('x', 1000)));
        Assert.Equal("plain", ReportText.Readable("plain"));

        var html = HtmlReport.Render([V("qs-text", Verdict.Regressed, divergence: new LogDivergence(4, line, "ok"))], "run");
        Assert.Contains("<code>+ raco setup: error: during making for &lt;pkgs&gt;/qs-text\n   qs-text/main.rkt:3:0", html);
        Assert.DoesNotContain("\\n", html, StringComparison.Ordinal);
        var md = MarkdownReport.Render([V("qs-text", Verdict.Regressed, divergence: new LogDivergence(4, line, "ok"))], "run");
        Assert.Contains("first different log line 4: `raco setup: error: during making for <pkgs>/qs-text    qs-text/main.rkt:3:0", md);
    }

    [Fact]
    public void The_binlog_gets_the_reports_and_the_logs_of_regressed_and_flaky_packages_each_cut()
    {
        using var dir = new TempDirectory();
        var layout = new ResultsLayout(dir.Combine("results"));
        void Log(string relative, int size)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(layout.Resolve(relative))!);
            File.WriteAllText(layout.Resolve(relative), new string('l', size));
        }
        Log("logs/qs-app/test.txt", 100);
        Log("baseline/logs/qs-app/test.txt", 5000); // over the cap below
        Log("logs/shaky/test.txt", 10);
        Log("baseline/logs/shaky/test.txt", 10);
        Log("confirm/modified-1/logs/shaky/test.txt", 10);
        Log("logs/fine/test.txt", 10);
        var run = RunResults.Compared(
        [
            V("qs-app", Verdict.Regressed),
            V("shaky", Verdict.Flaky, [new ConfirmRun(Pass, Pass) { ModifiedLogs = ["confirm/modified-1/logs/shaky/test.txt"] }]),
            V("fine", Verdict.StillPassing) with { Modified = R("fine", Pass) with { TestLog = "logs/fine/test.txt" }, Baseline = R("fine", Pass) },
        ], "run");
        ReportWriter.Write(layout, run);

        var files = BinlogFiles.Select(layout, run, dir.Combine("cut"), logCap: 1000, totalCap: 1_000_000);

        Assert.Equal([layout.ReportMarkdown, layout.ResultsJson, layout.Resolve("logs/qs-app/test.txt"), dir.Combine("cut", "baseline/logs/qs-app/test.txt"),
            layout.Resolve("logs/shaky/test.txt"), layout.Resolve("baseline/logs/shaky/test.txt"), layout.Resolve("confirm/modified-1/logs/shaky/test.txt")], files);
        var cut = File.ReadAllText(files[3]);
        Assert.StartsWith(new string('l', 1000) + "\n[pkg-build: cut after 1000 bytes for the binlog", cut);
        Assert.Contains("the whole log is baseline/logs/qs-app/test.txt", cut);

        // The total cap stops the logs, regressions first.
        Assert.Equal([layout.ReportMarkdown, layout.ResultsJson, layout.Resolve("logs/qs-app/test.txt")],
            BinlogFiles.Select(layout, run, dir.Combine("cut"), logCap: 1000, totalCap: 1050));
    }
}
