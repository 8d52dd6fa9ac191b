using System.Text.Json.Nodes;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Reports;

public sealed class SummaryWriterTests
{
    [Fact]
    public void The_real_racket_reads_summary_rktd_in_pkg_builds_shape()
    {
        using var dir = new TempDirectory();
        SummaryWriter.Write(new ResultsLayout(dir.Path),
        [
            new PackageResult { Package = "ok-lib", Outcome = PackageOutcome.Success, Author = "ann@example.org", InstallLog = "logs/ok-lib/install.txt", TestLog = "logs/ok-lib/test.txt" },
            new PackageResult { Package = "flaky-lib", Outcome = PackageOutcome.TestFailure, InstallLog = "logs/flaky-lib/install.txt", TestLog = "logs/flaky-lib/test.txt" },
            new PackageResult { Package = "broken-lib", Outcome = PackageOutcome.InstallFailure, InstallLog = "logs/broken-lib/install.txt" },
        ]);

        // What a pkg-build reader does: read the hash and look the keys up.
        var read = ProcessRunner.Run("racket", ["-e", $$"""
            (define s (call-with-input-file "{{dir.Combine("summary.rktd")}}" read))
            (for ([p '("ok-lib" "flaky-lib" "broken-lib")])
              (define h (hash-ref s p))
              (printf "~a ~s ~s ~s ~s ~s\n" p (hash-ref h 'success-log) (hash-ref h 'failure-log)
                      (hash-ref h 'test-success-log) (hash-ref h 'test-failure-log) (hash-ref h 'author)))
            """]);

        Assert.Equal(0, read.ExitCode);
        Assert.Equal(
            "ok-lib \"logs/ok-lib/install.txt\" #f \"logs/ok-lib/test.txt\" #f \"ann@example.org\"\n" +
            "flaky-lib \"logs/flaky-lib/install.txt\" #f #f \"logs/flaky-lib/test.txt\" #f\n" +
            "broken-lib #f \"logs/broken-lib/install.txt\" #f #f #f\n",
            read.Output);
        var json = JsonNode.Parse(File.ReadAllText(dir.Combine("summary.json")))!.AsArray();
        Assert.Equal(["broken-lib", "flaky-lib", "ok-lib"], json.Select(r => r!["package"]!.GetValue<string>()));
        Assert.Equal("test-failure", json[1]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public void A_failed_dependency_check_is_a_dep_failure_in_pkg_builds_shape_and_apart_in_summary_json()
    {
        using var dir = new TempDirectory();
        PackageResult Checked(string package, PackageOutcome outcome, string? message = null) => new()
        {
            Package = package,
            Outcome = outcome,
            Step = StepNames.CheckDeps,
            Message = message,
            InstallLog = $"logs/{package}/install.txt",
            DependencyLog = $"logs/{package}/check-deps.txt",
            TestLog = $"logs/{package}/test.txt",
        };
        SummaryWriter.Write(new ResultsLayout(dir.Path),
        [
            Checked("undeclared", PackageOutcome.DependencyProblem),
            Checked("bad-check", PackageOutcome.DependencyCheckFailure, "path->complete-path: contract violation"),
        ]);

        var read = ProcessRunner.Run("racket", ["-e", $$"""
            (define s (call-with-input-file "{{dir.Combine("summary.rktd")}}" read))
            (for ([p '("undeclared" "bad-check")])
              (define h (hash-ref s p))
              (printf "~a ~s ~s ~s ~s ~s\n" p (hash-ref h 'success-log) (hash-ref h 'failure-log)
                      (hash-ref h 'dep-failure-log) (hash-ref h 'test-success-log) (hash-ref h 'test-failure-log)))
            """]);

        Assert.Equal(0, read.ExitCode);
        // Installed, tests passed, the check failed: the same entry either way, as pkg-build writes it.
        Assert.Equal(
            "undeclared \"logs/undeclared/install.txt\" #f \"logs/undeclared/check-deps.txt\" \"logs/undeclared/test.txt\" #f\n" +
            "bad-check \"logs/bad-check/install.txt\" #f \"logs/bad-check/check-deps.txt\" \"logs/bad-check/test.txt\" #f\n",
            read.Output);
        var json = JsonNode.Parse(File.ReadAllText(dir.Combine("summary.json")))!.AsArray();
        Assert.Equal("dependency-check-failure", json[0]!["outcome"]!.GetValue<string>());
        Assert.Equal("path->complete-path: contract violation", json[0]!["message"]!.GetValue<string>());
        Assert.Equal("dependency-problem", json[1]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public void Only_a_failed_dependency_check_gives_a_dep_failure_log_and_every_check_log_is_in_summary_json()
    {
        using var dir = new TempDirectory();
        PackageResult Tested(string package, PackageOutcome outcome, bool checkPassed) => new()
        {
            Package = package,
            Outcome = outcome,
            Step = StepNames.Test,
            InstallLog = $"logs/{package}/install.txt",
            DependencyLog = $"logs/{package}/check-deps.txt",
            DependencyCheckPassed = checkPassed,
            TestLog = $"logs/{package}/test.txt",
        };
        SummaryWriter.Write(new ResultsLayout(dir.Path),
        [
            Tested("clean", PackageOutcome.Success, checkPassed: true),
            Tested("both-fail", PackageOutcome.TestFailure, checkPassed: false),
        ]);

        var read = ProcessRunner.Run("racket", ["-e", $$"""
            (define s (call-with-input-file "{{dir.Combine("summary.rktd")}}" read))
            (for ([p '("clean" "both-fail")])
              (define h (hash-ref s p))
              (printf "~a ~s ~s\n" p (hash-ref h 'dep-failure-log) (hash-ref h 'test-failure-log)))
            """]);

        Assert.Equal(0, read.ExitCode);
        Assert.Equal("clean #f #f\nboth-fail \"logs/both-fail/check-deps.txt\" \"logs/both-fail/test.txt\"\n", read.Output);
        var json = JsonNode.Parse(File.ReadAllText(dir.Combine("summary.json")))!.AsArray();
        Assert.All(json, r => Assert.EndsWith("/check-deps.txt", r!["dependencyLog"]!.GetValue<string>(), StringComparison.Ordinal));
    }
}
