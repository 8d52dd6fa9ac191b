using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// What a build after an earlier one redoes, with real packages on the real Racket: the same results as a
/// clean build with the same settings, confirmations that only the package can make flaky, and no package
/// built again on the baseline side whose inputs did not change.
/// </summary>
public sealed class RerunTests
{
    private static readonly TestPackage Lib = new("rr-lib", "(provide x) (define x 1)");

    private static readonly TestPackage Uses = new("rr-uses", "(require rr-lib) (module+ test (unless (= x 1) (error 'rr-uses \"x changed\")))", "rr-lib");

    private static readonly TestPackage Other = new("rr-other", "(module+ test (void))");

    [Fact]
    public async Task An_override_added_to_a_built_project_builds_nothing_again_on_the_baseline_side()
    {
        using var dir = new TempDirectory();
        var site = await TestSite.ArchiveAsync(dir.Path, Lib, Uses, Other);
        var first = await RunAsync(dir.Path, site, new RunSelection { Scope = RunScope.All });
        Assert.Equal(3, first.Summary.Built);
        Assert.All(first.Summary.Verdicts, v => Assert.Equal(Verdict.StillPassing, v.Verdict));

        // The override changes rr-lib, reaching rr-uses; the baseline's rr-lib and rr-uses are what the first build built.
        await TestSite.ArchiveAsync(dir.Path, Lib with { MainBody = "(provide x) (define x (+ 0 1))" }, Uses, Other);
        await ArchiveBaselineAsync(dir.Path, site, Lib);
        var second = await RunAsync(dir.Path, site, new RunSelection { Scope = RunScope.All, Overridden = [Lib.Name] });

        Assert.Equal(2, second.Summary.Built);
        Assert.DoesNotContain(second.Finished, f => f.Side == RunSide.BaselineName);
        Assert.All(second.Summary.Verdicts, v => Assert.Equal(Verdict.StillPassing, v.Verdict));
        var uses = second.Summary.Verdicts.Single(v => v.Package == Uses.Name);
        Assert.StartsWith("baseline/logs/rr-uses/", uses.Baseline!.TestLog);
        Assert.True(File.Exists(Path.Combine(dir.Path, "results", uses.Baseline.TestLog!)));
        Assert.StartsWith("logs/rr-uses/", uses.Modified.TestLog);
        Assert.True(File.Exists(Path.Combine(dir.Path, "results", uses.Modified.TestLog!)));

        // And a build after it has nothing to do on either side.
        var third = await RunAsync(dir.Path, site, new RunSelection { Scope = RunScope.All, Overridden = [Lib.Name] });
        Assert.Equal(0, third.Summary.Built);
        Assert.Empty(third.Finished);
    }

    [Fact]
    public async Task An_override_removed_from_a_built_project_builds_nothing_again()
    {
        using var dir = new TempDirectory();
        var site = await TestSite.ArchiveAsync(dir.Path, Lib with { MainBody = "(provide x) (define x (+ 0 1))" }, Uses, Other);
        await ArchiveBaselineAsync(dir.Path, site, Lib);
        var first = await RunAsync(dir.Path, site, new RunSelection { Scope = RunScope.All, Overridden = [Lib.Name] });
        Assert.All(first.Summary.Verdicts, v => Assert.Equal(Verdict.StillPassing, v.Verdict));

        // Without the override the catalog is what the baseline side built: rr-lib and rr-uses as they were, rr-other as it is.
        Directory.Delete(Path.Combine(site, RunSide.BaselineName), recursive: true);
        await TestSite.ArchiveAsync(dir.Path, Lib, Uses, Other);
        var second = await RunAsync(dir.Path, site, new RunSelection { Scope = RunScope.All }, baseline: false);

        Assert.Equal(0, second.Summary.Built);
        Assert.Empty(second.Finished);
        Assert.All(second.Summary.Results, r => Assert.Equal(PackageOutcome.Success, r.Outcome));
        Assert.All(second.Summary.Results, r => Assert.True(File.Exists(Path.Combine(dir.Path, "results", r.TestLog!)), r.TestLog));
    }

    [Fact]
    public async Task A_forced_package_that_no_longer_installs_blocks_what_was_kept_on_it_as_a_clean_build_does()
    {
        using var dir = new TempDirectory();
        var site = Path.Combine(dir.Path, "site");
        var broken = Path.Combine(site, "broken"); // in the site, which the sandboxed guest can read
        // Same inputs every build; what breaks it is the machine it is built on now, as an upgraded system library would.
        var lib = new TestPackage("rr-flib",
            "(require (for-syntax racket/base))\n"
            + $"(begin-for-syntax (when (file-exists? \"{broken}\") (error 'rr-flib \"a system library changed\")))\n"
            + "(provide x) (define x 1)");
        var uses = new TestPackage("rr-fuses", "(require rr-flib) (module+ test (void))", "rr-flib");
        var top = new TestPackage("rr-ftop", "(require rr-fuses) (module+ test (void))", "rr-fuses");
        Assert.Equal(site, await TestSite.ArchiveAsync(dir.Path, lib, uses, top));
        var all = new RunSelection { Scope = RunScope.All };
        var first = await RunAsync(Path.Combine(dir.Path, "incremental"), site, all, baseline: false);
        Assert.All(first.Summary.Results, r => Assert.Equal(PackageOutcome.Success, r.Outcome));

        File.WriteAllText(broken, "");
        var forced = await RunAsync(Path.Combine(dir.Path, "incremental"), site, all with { Force = [lib.Name] }, baseline: false);
        var clean = await RunAsync(Path.Combine(dir.Path, "clean"), site, all, baseline: false);

        Assert.Equal(clean.Summary.Results.Select(r => (r.Package, r.Outcome, r.BlockedBy)), forced.Summary.Results.Select(r => (r.Package, r.Outcome, r.BlockedBy)));
        Assert.Equal(PackageOutcome.BlockedByDependency, forced.Summary.Results.Single(r => r.Package == uses.Name).Outcome);
        Assert.DoesNotContain(uses.Name, forced.Summary.KeptPackages);
        Assert.False(File.Exists(Path.Combine(dir.Path, "incremental", "results", "logs", uses.Name, "test.txt")), "the blocked package keeps no old test log");
        // Journalled: the next build keeps them blocked without building anything.
        var after = await RunAsync(Path.Combine(dir.Path, "incremental"), site, all, baseline: false);
        Assert.Equal(0, after.Summary.Built);
        Assert.Equal(clean.Summary.Results.Select(r => (r.Package, r.Outcome)), after.Summary.Results.Select(r => (r.Package, r.Outcome)));
    }

    [Fact]
    public async Task A_transient_baseline_failure_during_confirmation_is_run_again_and_does_not_make_a_regression_flaky()
    {
        using var dir = new TempDirectory();
        var site = Path.Combine(dir.Path, "site");
        var mended = Path.Combine(site, "mended"); // in the site, which the sandboxed guest can read
        // Without the change: passes, but its install fails in the first baseline confirmation run until the
        // test sees that failure and mends it (as a download or a full disk would): an install that
        // succeeded before, not the package's.
        var original = new TestPackage("rr-x",
            "(require (for-syntax racket/base))\n"
            + "(begin-for-syntax\n"
            + $"  (when (and (equal? (getenv \"PKGBUILD_RUN\") \"baseline-confirm-1\") (not (file-exists? \"{mended}\")))\n"
            + "    (error 'rr-x \"transient: no space left on device\")))\n"
            + "(module+ test (void))");
        var changed = original with { MainBody = "(module+ test (error 'rr-x \"broken by the change\"))" };
        Assert.Equal(site, await TestSite.ArchiveAsync(dir.Path, changed));
        await ArchiveBaselineAsync(dir.Path, site, original);
        var selection = new RunSelection { Scope = RunScope.All, Overridden = [original.Name] };
        using var stop = new CancellationTokenSource();
        var failedLog = Path.Combine(dir.Path, "results", "confirm", "baseline-1", "logs", original.Name, "install.txt");
        var mender = Task.Run(async () =>
        {
            // Mended once the failure is in its log: the second confirmation runs of both sides come before any retry.
            while (!stop.IsCancellationRequested && !(File.Exists(failedLog) && File.ReadAllText(failedLog).Contains("transient", StringComparison.Ordinal)))
            {
                await Task.Delay(100);
            }
            File.WriteAllText(mended, "");
            return !stop.IsCancellationRequested;
        });

        var first = await RunAsync(dir.Path, site, selection);
        await stop.CancelAsync();
        Assert.True(await mender, "the baseline's first confirmation run failed to install once");
        var x = Assert.Single(first.Summary.Verdicts);
        Assert.Equal(Verdict.Regressed, x.Verdict);
        Assert.Equal([(PackageOutcome.TestFailure, PackageOutcome.Success, false), (PackageOutcome.TestFailure, PackageOutcome.Success, false)],
            x.Confirmations.Select(c => (c.Modified, c.Baseline, c.Spoiled)));
        Assert.Contains(first.Messages, m => m.StartsWith("confirming 1 candidate", StringComparison.Ordinal));

        // Kept while nothing changed; redone when asked for again.
        var kept = await RunAsync(dir.Path, site, selection);
        Assert.DoesNotContain(kept.Messages, m => m.StartsWith("confirming", StringComparison.Ordinal));
        Assert.Equal(Verdict.Regressed, Assert.Single(kept.Summary.Verdicts).Verdict);
        foreach (var again in new[] { selection with { RetryFailed = true }, selection with { Force = [original.Name] } })
        {
            var redone = await RunAsync(dir.Path, site, again);
            Assert.Contains(redone.Messages, m => m.StartsWith("confirming 1 candidate", StringComparison.Ordinal));
            Assert.Equal(Verdict.Regressed, Assert.Single(redone.Summary.Verdicts).Verdict);
        }
    }

    [Fact]
    public async Task A_confirmation_that_stays_spoiled_is_not_counted_and_not_kept()
    {
        using var dir = new TempDirectory();
        var (site, selection) = await ArchiveSpoiledCandidateAsync(dir.Path, "rr-y");

        var first = await RunAsync(dir.Path, site, selection, s => s with { InfrastructureRetries = 1 });

        var y = Assert.Single(first.Summary.Verdicts);
        Assert.Equal(Verdict.Regressed, y.Verdict); // the one run that counts reproduced it
        Assert.True(y.Confirmations[0].Spoiled);
        Assert.Equal(PackageOutcome.InstallFailure, y.Confirmations[0].Baseline);
        Assert.False(y.Confirmations[1].Spoiled);
        var again = await RunAsync(dir.Path, site, selection, s => s with { InfrastructureRetries = 0 });
        Assert.Contains(again.Messages, m => m.StartsWith("confirming 1 candidate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_candidate_whose_every_confirmation_stays_spoiled_is_unconfirmed_not_regressed()
    {
        using var dir = new TempDirectory();
        var (site, selection) = await ArchiveSpoiledCandidateAsync(dir.Path, "rr-u");

        var run = await RunAsync(dir.Path, site, selection, s => s with { ConfirmRuns = 1, InfrastructureRetries = 1 });

        var u = Assert.Single(run.Summary.Verdicts);
        Assert.Equal(Verdict.Unconfirmed, u.Verdict);
        Assert.True(Assert.Single(u.Confirmations).Spoiled);
        Assert.Contains(run.Messages, m => m.StartsWith("confirmation of rr-u:", StringComparison.Ordinal) && m.EndsWith("-> unconfirmed", StringComparison.Ordinal));
    }

    public static TheoryData<string> SelectionChanges => new() { "skip", "package" };

    [Theory]
    [MemberData(nameof(SelectionChanges))]
    public async Task Changing_what_is_selected_gives_the_results_of_a_clean_build(string change)
    {
        using var dir = new TempDirectory();
        // rr-bad fails to install, so what depends on it is blocked by it; skipped (or not named), it is
        // installed from the archive by its dependents, which then fail to install themselves.
        var bad = new TestPackage("rr-bad", "(define (");
        var mid = new TestPackage("rr-mid", "(module+ test (void))", "rr-bad");
        var top = new TestPackage("rr-top", "(module+ test (void))", "rr-mid");
        var site = await TestSite.ArchiveAsync(dir.Path, bad, mid, top, Other);
        var before = await RunAsync(Path.Combine(dir.Path, "incremental"), site, new RunSelection { Scope = RunScope.All }, baseline: false);
        Assert.Equal("rr-bad", before.Summary.Results.Single(r => r.Package == top.Name).BlockedBy);

        var changed = change == "skip" ? new RunSelection { Scope = RunScope.All, Skip = [bad.Name] } : new RunSelection { Scope = RunScope.All, Packages = [top.Name], Skip = [bad.Name] };
        var incremental = await RunAsync(Path.Combine(dir.Path, "incremental"), site, changed, baseline: false);
        var clean = await RunAsync(Path.Combine(dir.Path, "clean"), site, changed, baseline: false);

        Assert.Equal(Outcomes(clean.Summary), Outcomes(incremental.Summary));
        Assert.Equal(PackageOutcome.InstallFailure, incremental.Summary.Results.Single(r => r.Package == mid.Name).Outcome);
        Assert.DoesNotContain(incremental.Summary.Results, r => r.Package == bad.Name);
    }

    [Fact]
    public async Task A_package_blocked_now_keeps_no_logs_of_what_it_was_before()
    {
        using var dir = new TempDirectory();
        var site = await TestSite.ArchiveAsync(dir.Path, Lib, Uses);
        var passed = await RunAsync(dir.Path, site, new RunSelection { Scope = RunScope.All }, baseline: false);
        var testLog = Path.Combine(dir.Path, "results", passed.Summary.Results.Single(r => r.Package == Uses.Name).TestLog!);
        Assert.True(File.Exists(testLog));

        await TestSite.ArchiveAsync(dir.Path, Lib with { MainBody = "(define (" }, Uses);
        var blocked = await RunAsync(dir.Path, site, new RunSelection { Scope = RunScope.All }, baseline: false);

        Assert.Equal(PackageOutcome.BlockedByDependency, blocked.Summary.Results.Single(r => r.Package == Uses.Name).Outcome);
        // Only the install log that names its blocker, none of what it was before.
        Assert.False(File.Exists(testLog));
        Assert.Equal(["install.txt"], Directory.EnumerateFiles(Path.Combine(dir.Path, "results", "logs", Uses.Name)).Select(Path.GetFileName));
    }

    private static string[] Outcomes(RunSummary summary) =>
        summary.Results.OrderBy(r => r.Package, StringComparer.Ordinal).Select(r => $"{r.Package} {r.Outcome.Spelling()} {r.BlockedBy}").ToArray();

    /// <summary>Archives the originals of overridden packages as the baseline's archive does: <c>site/baseline/catalog</c> and <c>site/baseline/pkgs</c>.</summary>
    /// <summary>
    /// A candidate regression (its tests broken by the change) whose install fails in every first baseline
    /// confirmation run, however often it is run again: the machine's doing, as far as can be told.
    /// </summary>
    private static async Task<(string Site, RunSelection Selection)> ArchiveSpoiledCandidateAsync(string dir, string name)
    {
        var original = new TestPackage(name,
            "(require (for-syntax racket/base))\n"
            + $"(begin-for-syntax (when (equal? (getenv \"PKGBUILD_RUN\") \"baseline-confirm-1\") (error '{name} \"the guest's disk is full\")))\n"
            + "(module+ test (void))");
        var site = await TestSite.ArchiveAsync(dir, original with { MainBody = $"(module+ test (error '{name} \"broken by the change\"))" });
        await ArchiveBaselineAsync(dir, site, original);
        return (site, new RunSelection { Scope = RunScope.All, Overridden = [original.Name] });
    }

    private static async Task ArchiveBaselineAsync(string dir, string site, params TestPackage[] originals)
    {
        var archived = await TestSite.ArchiveAsync(Path.Combine(dir, "originals"), originals);
        foreach (var part in new[] { "catalog", "pkgs" })
        {
            Copy(Path.Combine(archived, part), Path.Combine(site, RunSide.BaselineName, part));
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private sealed record Run(RunSummary Summary, IReadOnlyList<PackageFinished> Finished, IReadOnlyList<string> Messages);

    /// <summary>A run on a fresh Local guest, as TestSite.RunLocalAsync, with a selection, a baseline built in the run, and its events.</summary>
    private static async Task<Run> RunAsync(string dir, string site, RunSelection selection, Func<RunSettings, RunSettings>? adjust = null, bool baseline = true)
    {
        await using var guest = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string>()), Path.Combine(dir, "guest"), _ => { });
        await guest.PreflightAsync();
        await guest.StartAsync();
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(Path.Combine(dir, "results")),
            StateDirectory = Path.Combine(dir, "runs"),
            SiteDirectory = site,
            Baseline = baseline ? BaselineChoice.Parse(BaselineChoice.RunWord) : BaselineChoice.None,
        };
        var siteUri = await guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
        var finished = new List<PackageFinished>();
        var messages = new List<string>();
        var summary = await new PkgBuildRun((adjust ?? (s => s))(settings), [new RunGuest(guest, siteUri, "raco")], e =>
        {
            lock (finished)
            {
                switch (e)
                {
                    case PackageFinished f:
                        finished.Add(f);
                        break;
                    case RunMessage m:
                        messages.Add(m.Message);
                        break;
                }
            }
        }).RunAsync(selection, CancellationToken.None);
        return new Run(summary, finished, messages);
    }
}
