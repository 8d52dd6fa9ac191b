using System.Text.Json;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Pipeline.Tests.Execution;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Verdicts;

/// <summary>
/// Two real runs with Racket 8.7: the first one's summary.rktd is the baseline of the second. A package that
/// fails to compile on both sides with another error is a changed failure; two packages whose tests fail
/// with the same error are one failure group, on both sides.
/// </summary>
public sealed class FailureVerdictsEndToEndTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TestPackage[] Packages(string unbound) =>
    [
        new("cf-pkg", $"(define (f x) ({unbound} x))"),
        new("grp-a", "(module+ test (error 'shared \"the shared thing broke\"))"),
        new("grp-b", "(module+ test (error 'shared \"the shared thing broke\"))"),
    ];

    [Fact]
    public async Task A_package_failing_differently_is_a_changed_failure_and_one_error_is_one_group()
    {
        var before = await TestSite.RunLocalAsync(_dir.Combine("before"), await TestSite.ArchiveAsync(_dir.Combine("before-packages"), Packages("g")));
        var summaryRktd = _dir.Combine("before", "results", "summary.rktd");

        var after = await TestSite.RunLocalAsync(_dir.Combine("after"), await TestSite.ArchiveAsync(_dir.Combine("after-packages"), Packages("h")),
            s => s with { Baseline = BaselineChoice.Parse(summaryRktd) });

        var was = before.Results.ToDictionary(r => r.Package);
        Assert.Equal(PackageOutcome.InstallFailure, was["cf-pkg"].Outcome);
        // As the log has it, the guest's session directory in the path; compared without it.
        Assert.EndsWith("/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt:2:15: g: unbound identifier; in: g", was["cf-pkg"].FirstError);
        Assert.Equal("…/cf-pkg/main.rkt:2:15: g: unbound identifier; in: g", FirstError.Normal(was["cf-pkg"].FirstError!));
        Assert.Equal(PackageOutcome.TestFailure, was["grp-a"].Outcome);
        Assert.Equal("main.rkt: shared: the shared thing broke", was["grp-a"].FirstError);
        Assert.Equal(was["grp-a"].FirstError, was["grp-b"].FirstError);
        // summary.json carries it, as the journal does.
        using (var json = JsonDocument.Parse(File.ReadAllText(_dir.Combine("before", "results", "summary.json"))))
        {
            Assert.Contains(json.RootElement.EnumerateArray(), e => e.TryGetProperty("firstError", out var f) && f.GetString() == was["cf-pkg"].FirstError);
        }

        var verdicts = after.Verdicts.ToDictionary(v => v.Package);
        Assert.Equal(Verdict.ChangedFailure, verdicts["cf-pkg"].Verdict);
        Assert.Equal("…/cf-pkg/main.rkt:2:15: h: unbound identifier; in: h", FirstError.Normal(verdicts["cf-pkg"].Modified.FirstError!));
        Assert.Equal(was["cf-pkg"].FirstError, verdicts["cf-pkg"].Baseline!.FirstError); // read from the baseline summary's logs
        Assert.Equal(Verdict.StillFailing, verdicts["grp-a"].Verdict);
        Assert.Equal(Verdict.StillFailing, verdicts["grp-b"].Verdict);

        var run = RunResults.Compared(after.Verdicts, summaryRktd);
        var group = Assert.Single(Assert.Single(run.VerdictFailureGroups, g => g.Verdict == Verdict.StillFailing).Groups);
        Assert.Equal(["grp-a", "grp-b"], group.Packages);
        Assert.Equal(2, run.FailureGroups.Count); // with the change: the shared error's group, and cf-pkg's own

        var html = File.ReadAllText(_dir.Combine("after", "results", "report.html"));
        Assert.Contains("Failure groups", html, StringComparison.Ordinal);
        Assert.Contains("h: unbound identifier", html, StringComparison.Ordinal);
        Assert.Contains("g: unbound identifier", html, StringComparison.Ordinal);
        var markdown = File.ReadAllText(_dir.Combine("after", "results", "report.md"));
        Assert.Contains("| still failing | `main.rkt: shared: the shared thing broke` | 2: grp-a, grp-b |", markdown, StringComparison.Ordinal);
        Assert.Contains("**cf-pkg**: install `…/cf-pkg/main.rkt:2:15: h: unbound identifier; in: h` (was install `…/cf-pkg/main.rkt:2:15: g: unbound identifier; in: g`)",
            markdown, StringComparison.Ordinal);
    }
}
