using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Tests.Reports;

public sealed class HtmlReportTests
{
    [Fact]
    public void Names_messages_and_authors_from_a_catalog_are_escaped()
    {
        var html = HtmlReport.Render(
        [
            new PackageResult
            {
                Package = "<script>alert(1)</script>",
                Outcome = PackageOutcome.InfrastructureFailure,
                Message = "guest said \"<img src=x onerror=alert(2)>\" & 'left'",
                Author = "<b>mallory</b>",
                Guest = "g\"1",
            },
            new PackageResult
            {
                Package = "victim",
                Outcome = PackageOutcome.BlockedByDependency,
                BlockedBy = "x\" onmouseover=\"alert(3)",
                Message = "its dependency </td></tr><script>alert(4)</script> did not install",
            },
        ]);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\" onmouseover=\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("guest said &quot;&lt;img src=x onerror=alert(2)&gt;&quot; &amp; &#39;left&#39;", html);
        Assert.Contains("href=\"#x&quot; onmouseover=&quot;alert(3)\"", html);
        Assert.Contains("&lt;b&gt;mallory&lt;/b&gt;", html);
    }

    [Fact]
    public void The_packages_the_Racket_provides_are_listed_as_given_and_escaped()
    {
        var html = HtmlReport.Render([new PackageResult { Package = "app", Outcome = PackageOutcome.Success }],
            new Dictionary<string, string> { ["racket-lib"] = "c2", ["base"] = "c1", ["<i>x</i>"] = "" });

        Assert.Contains("<h2>Provided by the Racket under test</h2>", html);
        Assert.Contains("3 package(s) the guests' Racket has in installation scope, given (never built, never a blocker): &lt;i&gt;x&lt;/i&gt;, base, racket-lib.", html);
        Assert.DoesNotContain("Provided by", HtmlReport.Render([new PackageResult { Package = "app", Outcome = PackageOutcome.Success }]));
    }

    [Fact]
    public void Failures_are_listed_before_successes()
    {
        var html = HtmlReport.Render(
        [
            new PackageResult { Package = "aaa-ok", Outcome = PackageOutcome.Success },
            new PackageResult { Package = "mmm-tests", Outcome = PackageOutcome.TestFailure },
            new PackageResult { Package = "zzz-broken", Outcome = PackageOutcome.InstallFailure },
            new PackageResult { Package = "bbb-ok", Outcome = PackageOutcome.Success },
            new PackageResult { Package = "ccc-blocked", Outcome = PackageOutcome.BlockedByDependency, BlockedBy = "zzz-broken" },
        ]);

        int Row(string package) => html.IndexOf($"id=\"{package}\"", StringComparison.Ordinal);
        Assert.All(new[] { "aaa-ok", "mmm-tests", "zzz-broken", "bbb-ok", "ccc-blocked" }, p => Assert.True(Row(p) > 0, p));
        Assert.True(Row("zzz-broken") < Row("mmm-tests"));
        Assert.True(Row("mmm-tests") < Row("ccc-blocked"));
        Assert.True(Row("ccc-blocked") < Row("aaa-ok"));
        Assert.True(Row("aaa-ok") < Row("bbb-ok"));
        Assert.Contains("2 success", html);
        Assert.Contains("5 package(s)", html);
    }

    [Fact]
    public void Each_log_is_linked_and_a_package_without_logs_has_no_link()
    {
        var html = HtmlReport.Render(
        [
            new PackageResult { Package = "qs-app", Outcome = PackageOutcome.TestFailure, InstallLog = "logs/qs-app/install.txt", TestLog = "logs/qs-app/test.txt" },
            new PackageResult { Package = "qs-blocked", Outcome = PackageOutcome.BlockedByDependency, BlockedBy = "qs-app" },
        ]);

        Assert.Contains("<a href=\"logs/qs-app/install.txt\">install</a> <a href=\"logs/qs-app/test.txt\">tests</a>", html);
        var blockedRow = html[html.IndexOf("id=\"qs-blocked\"", StringComparison.Ordinal)..];
        blockedRow = blockedRow[..blockedRow.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.DoesNotContain("logs/", blockedRow);
        Assert.Contains("<td>blocked by a dependency (<a href=\"#qs-app\">qs-app</a>)", blockedRow); // the label, then which one
    }

    [Fact]
    public void Every_outcome_is_counted_labelled_and_coloured_after_the_failures_it_follows()
    {
        var outcomes = Enum.GetValues<PackageOutcome>();
        var html = HtmlReport.Render([.. outcomes.Select(o => new PackageResult { Package = $"p-{(int)o}", Outcome = o })]);

        Assert.All(outcomes, o => Assert.Contains($"1 {o.Label()}", html));
        Assert.All(outcomes, o => Assert.Contains($"<tr class=\"{o.Spelling()}\" id=\"p-{(int)o}\"><td>p-{(int)o}</td><td>{o.Label()}</td>", html));
        var style = html[..html.IndexOf("</style>", StringComparison.Ordinal)];
        Assert.All(outcomes, o => Assert.Contains($".{o.Spelling()}{{background:", style));
        // A failed check is listed with the dependency problems, among the failures, not at the top as an unknown.
        int Row(PackageOutcome o) => html.IndexOf($"id=\"p-{(int)o}\"", StringComparison.Ordinal);
        Assert.True(Row(PackageOutcome.DependencyProblem) < Row(PackageOutcome.DependencyCheckFailure));
        Assert.True(Row(PackageOutcome.DependencyCheckFailure) < Row(PackageOutcome.Timeout));
    }
}
