using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// How a package's dependency check is read (a dependency problem only when the checker reported one, the
/// first error line otherwise), and the raco command lines as the logs head them: <c>--jobs</c> only when
/// PkgBuildJobs is set.
/// </summary>
public sealed class PackageJobTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Lines as Racket 8.7's raco setup prints them around the checker's reports (setup/private/pkg-deps.rkt).
    private static readonly string[] Preamble =
    [
        "raco setup: version: 8.7",
        "raco setup: main collects: /usr/share/racket/collects/",
        "raco setup: --- updating info-domain tables ---                    [21:13:06]",
        "raco setup: --- checking package dependencies ---                  [21:13:06]",
    ];

    [Theory]
    [InlineData("raco setup: found undeclared dependency:", "raco setup:   mode: run", "raco setup:   on package: \"rackunit-lib\"")]
    [InlineData("raco setup: --- summary of package problems ---                    [21:13:06]", "raco setup: undeclared dependency detected")]
    [InlineData("raco setup: package depends on newer version:", "raco setup:   package: \"app\"")]
    [InlineData("raco setup: package not installed: \"gone\"", "raco setup:   dependency of: app")]
    [InlineData("raco setup: module provided by multiple packages:", "raco setup:   module: (lib \"x/main.rkt\")")]
    public void A_problem_the_checker_counts_is_a_dependency_report(params string[] lines)
    {
        var check = Hear([.. Preamble, .. lines]);

        Assert.True(check.ReportedProblems);
    }

    [Fact]
    public void What_the_checker_prints_and_passes_is_no_report()
    {
        // The checker prints this and still passes; and a message that merely names a problem is not setup's report of one.
        var check = Hear([.. Preamble,
            "raco setup: implied package is not declared as a dependency:", "raco setup:  in package: \"app\"",
            "raco pkg install: package not installed: gone"]);

        Assert.False(check.ReportedProblems);
    }

    [Theory]
    [InlineData("path->complete-path: contract violation", "  expected: (or/c path-string? path-for-some-system?)", "  context...:")]
    [InlineData("copy-file: cannot open destination file", "  source path: /x/libfoo.so", "  system error: Read-only file system; errno=30")]
    [InlineData("/tmp/p/info.rkt:3:0: read-syntax: expected a `)` to close `(`")]
    [InlineData("raco setup: check failure: read (compiled): ill-formed code")]
    [InlineData("raco setup: error: during installing shared files for <pkgs>/app", "raco setup:   copy-file: cannot open destination file")]
    public void Otherwise_the_message_is_the_first_error_line(params string[] lines)
    {
        var check = Hear([.. Preamble, "raco setup: WARNING: bad 'scribblings info: '((manual.scrbl)) from: #<path:/tmp/p>", .. lines,
            "raco setup: --- summary of errors ---                              [21:13:07]", "later: another error"]);

        Assert.False(check.ReportedProblems);
        Assert.Equal(lines[0], check.FirstError);
    }

    [Fact]
    public void A_long_error_line_is_cut()
    {
        var check = Hear([.. Preamble, "who: " + new string('x', 1000)]);

        Assert.Equal(200, check.FirstError!.Length);
        Assert.StartsWith("who: xxx", check.FirstError);
        Assert.EndsWith("x…", check.FirstError);
    }

    [Fact]
    public void Setup_status_alone_has_no_error_line()
    {
        Assert.Null(Hear(Preamble).FirstError);
    }

    [Fact]
    public async Task Both_setup_steps_carry_jobs_when_it_is_set()
    {
        var site = await TestSite.ArchiveAsync(_dir.Combine("packages"), new TestPackage("jobs-ok", "(provide one) (define one 1)"));

        var summary = await TestSite.RunLocalAsync(_dir.Path, site, s => s with { RunTests = false, Jobs = 2 });

        var result = Assert.Single(summary.Results);
        Assert.Equal(PackageOutcome.Success, result.Outcome);
        Assert.Equal(StepNames.CheckDeps, result.Step); // no tests ran: the check was the last step
        var logs = _dir.Combine("results", "logs", "jobs-ok");
        Assert.StartsWith("$ raco pkg install -u --auto --batch --jobs 2 --catalog ", File.ReadAllText(Path.Combine(logs, "install.txt")));
        Assert.StartsWith("$ raco setup -nxiID --jobs 2 --check-pkg-deps --pkgs jobs-ok ", File.ReadAllText(Path.Combine(logs, "check-deps.txt")));
    }

    [Fact]
    public async Task A_success_is_decided_by_the_last_step_that_ran_and_a_failure_by_the_step_that_failed()
    {
        var site = await TestSite.ArchiveAsync(_dir.Combine("packages"),
            new TestPackage("step-ok", "(provide one) (define one 1)"),
            new TestPackage("step-tests-fail", "(module+ test (error 'step-tests-fail \"fails on purpose\"))"));

        var summary = await TestSite.RunLocalAsync(_dir.Path, site);

        var results = summary.Results.ToDictionary(r => r.Package);
        Assert.Equal((PackageOutcome.Success, StepNames.Test), (results["step-ok"].Outcome, results["step-ok"].Step)); // once "install"
        Assert.NotNull(results["step-ok"].TestLog);
        Assert.Equal((PackageOutcome.TestFailure, StepNames.Test), (results["step-tests-fail"].Outcome, results["step-tests-fail"].Step));
    }

    private static PackageJob.DependencyCheckOutput Hear(IEnumerable<string> lines)
    {
        var check = new PackageJob.DependencyCheckOutput();
        foreach (var line in lines)
        {
            check.Hear(line);
        }
        return check;
    }
}
