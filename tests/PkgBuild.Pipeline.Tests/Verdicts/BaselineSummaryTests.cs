using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Http;
using PkgBuild.Testing.Racket;

namespace PkgBuild.Pipeline.Tests.Verdicts;

public sealed class BaselineSummaryTests
{
    /// <summary>
    /// A summary.rktd as pkg-build writes it (package name to a hash of logs, docs as prefab structs,
    /// author, conflicts-log), one package per category, plus entries a reader must skip.
    /// </summary>
    private const string PkgBuildSummary = """
        #hash(("pkg-a" . #hash((success-log . "server/built/success/pkg-a.txt") (failure-log . #f) (dep-failure-log . #f)
                               (test-success-log . "server/built/test-success/pkg-a.txt") (test-failure-log . #f)
                               (min-failure-log . #f) (arch-failure-log . #f)
                               (docs . (#s(doc/main "pkg-a" "doc/pkg-a/index.html"))) (author . "a@example.org") (conflicts-log . #f)))
              ("pkg-b" . #hash((success-log . #f) (failure-log . "server/built/fail/pkg-b.txt") (dep-failure-log . #f)
                               (test-success-log . #f) (test-failure-log . #f) (min-failure-log . #f) (arch-failure-log . #f)
                               (docs . ()) (author . "b@example.org c@example.org") (conflicts-log . #f)))
              ("pkg-c" . #hash((success-log . "server/built/success/pkg-c.txt") (failure-log . #f) (dep-failure-log . #f)
                               (test-success-log . #f) (test-failure-log . "server/built/test-fail/pkg-c.txt")
                               (min-failure-log . #f) (arch-failure-log . #f)
                               (docs . (#s(doc/main "pkg-c" "doc/pkg-c/index.html") #s(doc/extra "pkg-c-ref" "doc/pkg-c-ref/index.html")))
                               (author . #f) (conflicts-log . #f)))
              ("pkg_d" . #hash((success-log . "server/built/success/pkg_d.txt") (failure-log . #f)
                               (dep-failure-log . "server/built/deps/pkg_d.txt")
                               (test-success-log . "server/built/test-success/pkg_d.txt") (test-failure-log . #f)
                               (min-failure-log . #f) (arch-failure-log . #f) (docs . ()) (author . "d@example.org") (conflicts-log . #f)))
              ("pkg-both" . #hash((success-log . "server/built/success/pkg-both.txt") (failure-log . #f)
                                  (dep-failure-log . "server/built/deps/pkg-both.txt") (test-success-log . #f)
                                  (test-failure-log . "server/built/test-fail/pkg-both.txt")
                                  (min-failure-log . "server/built/min-fail/pkg-both.txt") (arch-failure-log . #f)
                                  (docs . ()) (author . "e@example.org") (conflicts-log . ("conflicts.txt"))))
              ("../x" . #hash((success-log . "server/built/success/x.txt") (failure-log . #f)))
              ("bad name" . #hash((success-log . "server/built/success/bad.txt") (failure-log . #f)))
              (pkg-symbol . #hash((success-log . "server/built/success/pkg-symbol.txt") (failure-log . #f)))
              ("pkg-not-a-hash" . ((success-log . "server/built/success/pkg-not-a-hash.txt")))
              ("pkg-string" . "server/built/success/pkg-string.txt")
              ("pkg-no-logs" . #hash((success-log . #f) (failure-log . #f) (dep-failure-log . #f) (test-success-log . #f)
                                     (test-failure-log . #f) (docs . ()) (author . "z@example.org"))))
        """;

    private static readonly string[] Valid = ["pkg-a", "pkg-b", "pkg-both", "pkg-c", "pkg_d"];

    [Fact]
    public void Each_category_of_a_pkg_build_summary_becomes_its_outcome_and_logs()
    {
        var results = BaselineSummary.Parse(PkgBuildSummary, "summary.rktd");

        Assert.Equal(Valid, results.Keys.Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(r.Key, r.Value.Package));

        var a = results["pkg-a"];
        Assert.Equal(PackageOutcome.Success, a.Outcome);
        Assert.Equal("a@example.org", a.Author);
        Assert.Equal("server/built/success/pkg-a.txt", a.InstallLog);
        Assert.Equal("server/built/test-success/pkg-a.txt", a.TestLog);
        Assert.Null(a.DependencyLog);
        Assert.Equal(StepNames.Test, a.Step); // a success at the last step that ran, as a run of ours has it

        var b = results["pkg-b"];
        Assert.Equal(PackageOutcome.InstallFailure, b.Outcome);
        Assert.Equal("b@example.org c@example.org", b.Author);
        Assert.Equal("server/built/fail/pkg-b.txt", b.InstallLog);
        Assert.Null(b.TestLog);
        Assert.Equal(StepNames.Install, b.Step);

        var c = results["pkg-c"];
        Assert.Equal(PackageOutcome.TestFailure, c.Outcome);
        Assert.Null(c.Author);
        Assert.Equal("server/built/success/pkg-c.txt", c.InstallLog);
        Assert.Equal("server/built/test-fail/pkg-c.txt", c.TestLog);
        Assert.Equal(StepNames.Test, c.Step);

        var d = results["pkg_d"];
        Assert.Equal(PackageOutcome.DependencyProblem, d.Outcome);
        Assert.Equal("server/built/deps/pkg_d.txt", d.DependencyLog);
        Assert.Equal("server/built/success/pkg_d.txt", d.InstallLog);
        Assert.Equal("server/built/test-success/pkg_d.txt", d.TestLog);
        Assert.Equal(StepNames.CheckDeps, d.Step); // decided by the check, whatever the tests did

        // A test failure beats a dependency problem.
        var both = results["pkg-both"];
        Assert.Equal(PackageOutcome.TestFailure, both.Outcome);
        Assert.Equal("server/built/test-fail/pkg-both.txt", both.TestLog);
        Assert.Equal("server/built/deps/pkg-both.txt", both.DependencyLog);
        Assert.Equal(StepNames.Test, both.Step);
    }

    [Fact]
    public void A_success_without_a_test_log_was_decided_by_the_dependency_check()
    {
        var results = BaselineSummary.Parse("""
            #hash(("p" . #hash((success-log . "success/p.txt") (failure-log . #f) (dep-failure-log . #f) (test-success-log . #f) (test-failure-log . #f))))
            """, "summary.rktd");

        Assert.Equal((PackageOutcome.Success, StepNames.CheckDeps), (results["p"].Outcome, results["p"].Step));
    }

    [Fact]
    public void An_install_failure_beats_a_test_failure_and_a_dependency_problem()
    {
        var results = BaselineSummary.Parse("""
            #hash(("p" . #hash((success-log . #f) (failure-log . "fail/p.txt") (dep-failure-log . "deps/p.txt")
                               (test-success-log . #f) (test-failure-log . "test-fail/p.txt"))))
            """, "summary.rktd");

        Assert.Equal(PackageOutcome.InstallFailure, results["p"].Outcome);
        Assert.Equal("fail/p.txt", results["p"].InstallLog);
    }

    [Fact]
    public void Entries_that_are_not_package_names_or_not_hashes_are_skipped()
    {
        var results = BaselineSummary.Parse(PkgBuildSummary, "summary.rktd");

        foreach (var junk in new[] { "../x", "bad name", "pkg-symbol", "pkg-not-a-hash", "pkg-string", "pkg-no-logs" })
        {
            Assert.False(results.ContainsKey(junk), junk);
        }
    }

    [Fact]
    public void An_empty_summary_has_no_results()
    {
        Assert.Empty(BaselineSummary.Parse("#hash()", "summary.rktd"));
    }

    [Theory]
    [InlineData("(\"pkg-a\" \"pkg-b\")")]
    [InlineData("\"summary\"")]
    [InlineData("#(1 2 3)")]
    [InlineData("42")]
    [InlineData("#f")]
    public void A_top_level_that_is_not_a_hash_is_PKB0801(string text)
    {
        var e = Assert.Throws<PkgBuildException>(() => BaselineSummary.Parse(text, "baseline/summary.rktd"));

        Assert.Equal("PKB0801", e.Code);
        Assert.Equal(ErrorCodes.BaselineUnreadable, e.Code);
        Assert.Contains("baseline/summary.rktd", e.Message);
    }

    [Fact]
    public void A_truncated_summary_is_a_PkgBuildException_not_a_crash()
    {
        Assert.Throws<PkgBuildException>(() => BaselineSummary.Parse(PkgBuildSummary[..(PkgBuildSummary.Length / 2)], "summary.rktd"));
    }

    [Fact]
    public void The_real_racket_reads_the_hand_written_summary_as_the_parser_does()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("summary.rktd");
        File.WriteAllText(file, PkgBuildSummary);

        // Racket's own reader: every string key whose value is a hash, with its logs (#f or the path).
        var output = RacketRunner.Run("racket", ["-e", """
            (define s (call-with-input-file (vector-ref (current-command-line-arguments) 0) read))
            (printf "~a\n" (hash-count s))
            (for ([k (sort (filter string? (hash-keys s)) string<?)] #:when (hash? (hash-ref s k)))
              (define h (hash-ref s k))
              (define (f key) (hash-ref h key #f))
              (printf "~a|~a|~a|~a|~a|~a|~a\n" k (f 'failure-log) (f 'test-failure-log) (f 'dep-failure-log) (f 'success-log)
                      (f 'test-success-log) (f 'author)))
            """, file]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("11", output[0]);
        var results = BaselineSummary.Parse(File.ReadAllText(file), file);
        string? Log(string field) => field == "#f" ? null : field;
        var seen = new List<string>();
        foreach (var line in output.Skip(1))
        {
            var f = line.Split('|');
            if (!results.TryGetValue(f[0], out var r))
            {
                continue;
            }
            seen.Add(f[0]);
            Assert.Equal(Log(f[1]) ?? Log(f[4]), r.InstallLog);
            Assert.Equal(Log(f[2]) ?? Log(f[5]), r.TestLog);
            Assert.Equal(Log(f[3]), r.DependencyLog);
            Assert.Equal(Log(f[6]), r.Author);
            Assert.Equal(
                Log(f[1]) != null ? PackageOutcome.InstallFailure
                : Log(f[2]) != null ? PackageOutcome.TestFailure
                : Log(f[3]) != null ? PackageOutcome.DependencyProblem
                : PackageOutcome.Success,
                r.Outcome);
        }
        Assert.Equal(Valid, seen.Order(StringComparer.Ordinal));
        // Racket also sees the junk this parser skips.
        Assert.Contains(output, l => l.StartsWith("../x|", StringComparison.Ordinal));
        Assert.Contains(output, l => l.StartsWith("pkg-no-logs|", StringComparison.Ordinal));
    }

    [Fact]
    public void A_summary_written_by_SummaryWriter_reads_back_with_the_same_outcomes_and_logs()
    {
        using var dir = new TempDirectory();
        PackageResult[] written =
        [
            new() { Package = "ok", Outcome = PackageOutcome.Success, Author = "ann@example.org", InstallLog = "logs/ok/install.txt", TestLog = "logs/ok/test.txt", Step = StepNames.Test },
            new() { Package = "tests-fail", Outcome = PackageOutcome.TestFailure, InstallLog = "logs/tests-fail/install.txt", TestLog = "logs/tests-fail/test.txt", Step = StepNames.Test },
            new() { Package = "no-install", Outcome = PackageOutcome.InstallFailure, Author = "bob@example.org", InstallLog = "logs/no-install/install.txt", Step = StepNames.Install },
            new() { Package = "undeclared", Outcome = PackageOutcome.DependencyProblem, InstallLog = "logs/undeclared/install.txt", DependencyLog = "logs/undeclared/check-deps.txt", TestLog = "logs/undeclared/test.txt", Step = StepNames.CheckDeps },
        ];
        SummaryWriter.Write(new ResultsLayout(dir.Path), written);

        var read = BaselineSummary.Parse(File.ReadAllText(dir.Combine("summary.rktd")), "summary.rktd");

        Assert.Equal(written.Select(w => w.Package).Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (var w in written)
        {
            var r = read[w.Package];
            Assert.Equal(w.Outcome, r.Outcome);
            Assert.Equal(w.Author, r.Author);
            Assert.Equal(w.InstallLog, r.InstallLog);
            Assert.Equal(w.TestLog, r.TestLog);
            Assert.Equal(w.DependencyLog, r.DependencyLog);
        }
    }

    [Fact]
    public async Task LoadAsync_reads_a_file_by_path_and_by_file_url()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("summary.rktd");
        File.WriteAllText(file, PkgBuildSummary);

        var byPath = await BaselineSummary.LoadAsync(file, CancellationToken.None);
        var byUrl = await BaselineSummary.LoadAsync(new Uri(file).AbsoluteUri, CancellationToken.None);

        Assert.Equal(Valid, byPath.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Valid, byUrl.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(PackageOutcome.InstallFailure, byPath["pkg-b"].Outcome);
    }

    [Theory]
    [InlineData("C# baseline")]
    [InlineData("100% done")]
    [InlineData("a%41b")]
    [InlineData("with space")]
    public async Task LoadAsync_reads_a_file_whose_directory_name_has_url_characters(string directory)
    {
        using var dir = new TempDirectory();
        var file = dir.Combine(directory, "summary.rktd");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, PkgBuildSummary);

        var results = await BaselineSummary.LoadAsync(file, CancellationToken.None);

        Assert.Equal(Valid, results.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LoadAsync_of_a_missing_file_is_PKB0801()
    {
        using var dir = new TempDirectory();
        var missing = dir.Combine("nowhere", "summary.rktd");

        var e = await Assert.ThrowsAsync<PkgBuildException>(() => BaselineSummary.LoadAsync(missing, CancellationToken.None));

        Assert.Equal("PKB0801", e.Code);
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public async Task LoadAsync_reads_a_summary_over_http()
    {
        using var server = new LoopbackHttpServer(request => request.PathAndQuery == "/pkg-build/summary.rktd"
            ? TestHttpResponse.Ok(PkgBuildSummary)
            : new TestHttpResponse(404));

        var results = await BaselineSummary.LoadAsync(new Uri(server.BaseUrl, "pkg-build/summary.rktd").ToString(), CancellationToken.None);

        Assert.Equal(Valid, results.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(PackageOutcome.TestFailure, results["pkg-c"].Outcome);
        Assert.Equal(["/pkg-build/summary.rktd"], server.Requests);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(500)]
    public async Task LoadAsync_of_an_http_error_is_PKB0801(int status)
    {
        using var server = new LoopbackHttpServer(_ => new TestHttpResponse(status, "no such summary"));
        var url = new Uri(server.BaseUrl, "summary.rktd").ToString();

        var e = await Assert.ThrowsAsync<PkgBuildException>(() => BaselineSummary.LoadAsync(url, CancellationToken.None));

        Assert.Equal("PKB0801", e.Code);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }
}
