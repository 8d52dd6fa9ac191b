using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// The same packages built and tested by the real raco in a Local guest with a package's commands in one
/// Racket process and in one process each: every package gets the same result, one of each kind, and
/// the package something depends on is packed and published either way.
/// </summary>
public sealed class OneProcessFidelityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Both_ways_give_every_package_the_same_result()
    {
        var shared = await RunAsync(oneProcess: true);
        var alone = await RunAsync(oneProcess: false);

        var expected = new Dictionary<string, PackageOutcome>
        {
            ["fl-ok"] = PackageOutcome.Success,
            ["fl-user"] = PackageOutcome.Success,
            ["fl-undeclared"] = PackageOutcome.DependencyProblem,
            ["fl-bad-check"] = PackageOutcome.DependencyCheckFailure,
            ["fl-failing"] = PackageOutcome.TestFailure,
            ["fl-broken"] = PackageOutcome.InstallFailure,
        };
        Assert.Equal(expected, shared.Results.ToDictionary(r => r.Package, r => r.Outcome));
        Assert.Equal(expected, alone.Results.ToDictionary(r => r.Package, r => r.Outcome));
        foreach (var (oneProcess, name) in new[] { (true, "shared"), (false, "alone") })
        {
            var logs = _dir.Combine(name, "results", "logs");
            Assert.Equal(oneProcess, File.ReadAllText(Path.Combine(logs, "fl-ok", "test.txt")).Contains("in the package's one Racket process"));
            Assert.Contains("fl-undeclared", File.ReadAllText(Path.Combine(logs, "fl-undeclared", "check-deps.txt")));
            // Setup failed in the check, on the info.rkt's unquoted file name (the install only warned about it): the
            // log's first error line, not a dependency report.
            var badCheck = (oneProcess ? shared : alone).Results.Single(r => r.Package == "fl-bad-check");
            Assert.Equal("path->complete-path: contract violation", badCheck.Message);
            Assert.Equal($"logs/fl-bad-check/{StepNames.CheckDeps}.txt", badCheck.DependencyLog);
            Assert.Contains("\npath->complete-path: contract violation\n", File.ReadAllText(Path.Combine(logs, "fl-bad-check", "check-deps.txt")));
            Assert.Null((oneProcess ? shared : alone).Results.Single(r => r.Package == "fl-undeclared").Message);
            // No --jobs unless PkgBuildJobs says so, as pkg-build runs them.
            Assert.StartsWith("$ raco pkg install -u --auto --batch --catalog ", File.ReadAllText(Path.Combine(logs, "fl-ok", "install.txt")));
            Assert.StartsWith("$ raco setup -nxiID --check-pkg-deps --pkgs fl-ok ", File.ReadAllText(Path.Combine(logs, "fl-ok", "check-deps.txt")));
            Assert.Contains("a failing test", File.ReadAllText(Path.Combine(logs, "fl-failing", "test.txt")));
            Assert.Contains("this-is-not-bound", File.ReadAllText(Path.Combine(logs, "fl-broken", "install.txt")));
            Assert.False(File.Exists(Path.Combine(logs, "fl-broken", "check-deps.txt"))); // nothing after a failed install
            // fl-ok was packed for fl-user and published to the built catalog.
            Assert.Contains("[pkgbuild: pack exited with 0", File.ReadAllText(Path.Combine(logs, "fl-ok", "pack.txt")));
            Assert.True(File.Exists(_dir.Combine(name, "site", "built", "pkgs", "fl-ok.zip")));
        }
    }

    private static readonly TestPackage[] Packages =
    [
        new TestPackage("fl-ok", "(provide twice) (define (twice x) (* 2 x)) (module+ test (unless (= 4 (twice 2)) (error 'twice \"wrong\")))"),
        new TestPackage("fl-user", "(require fl-ok) (module+ test (unless (= 6 (twice 3)) (error 'twice \"wrong\")))", "fl-ok"),
        new TestPackage("fl-undeclared", "(require rackunit) (check-equal? 1 1)"),
        new TestPackage("fl-failing", "(module+ test (error 'fl-failing \"a failing test\"))"),
        new TestPackage("fl-broken", "(this-is-not-bound)"),
        // A file name left unquoted: raco setup only warns about the bad 'scribblings while installing, but the
        // dependency check reads the entry and raises.
        new TestPackage("fl-bad-check", "(void)") { Info = "(define scribblings '((manual.scrbl)))\n" },
    ];

    private async Task<RunSummary> RunAsync(bool oneProcess)
    {
        var name = oneProcess ? "shared" : "alone";
        var site = await TestSite.ArchiveAsync(_dir.Combine(name), Packages);
        await using var guest = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string> { ["Parallelism"] = "2" }),
            _dir.Combine(name, "guest"), _ => { });
        await guest.StartAsync();
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(_dir.Combine(name, "results")),
            StateDirectory = _dir.Combine(name, "runs"),
            SiteDirectory = site,
            RacketIdentity = "test",
            OneProcessPerPackage = oneProcess,
        };
        var siteUri = await guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
        return await new PkgBuildRun(settings, [new RunGuest(guest, siteUri, "raco")], _ => { }).RunAsync(new RunSelection { Scope = RunScope.All }, CancellationToken.None);
    }
}
