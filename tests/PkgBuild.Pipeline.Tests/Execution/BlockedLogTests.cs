using System.Text.Json.Nodes;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// What pkg-build's own summary readers make of our summary.rktd for packages built on a real Local guest:
/// a blocked package is an install failure (pkg-build runs its install, which fails on the blocker), and a
/// passed dependency check is no dependency problem, though its log is named in summary.json.
/// </summary>
public sealed class BlockedLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// pkg-build's category rule, as its summary page applies it to each entry: "install fails" when there is
    /// a failure-log and no success-log, "unknown" when neither; once installed, dependency problems before
    /// test failures.
    /// </summary>
    private const string Categories = """
        (define (category ht)
          (define failed? (and (hash-ref ht 'failure-log) #t))
          (define succeeded? (and (hash-ref ht 'success-log) #t))
          (cond [(and failed? (not succeeded?)) "install fails"]
                [(and succeeded? (not failed?))
                 (cond [(hash-ref ht 'dep-failure-log) "dependency problems"]
                       [(hash-ref ht 'test-failure-log) "test failures"]
                       [else "install succeeds"])]
                [(and succeeded? failed?) "confusion"]
                [else "unknown"]))
        """;

    [Fact]
    public async Task A_blocked_package_is_an_install_failure_to_pkg_builds_readers_and_its_log_names_the_blocker()
    {
        var site = await TestSite.ArchiveAsync(_dir.Combine("packages"),
            new TestPackage("blk-broken", "(provide x) (define x"),
            new TestPackage("blk-user", "(require blk-broken)", "blk-broken"),
            new TestPackage("blk-ok", "(provide one) (define one 1)"));

        var summary = await TestSite.RunLocalAsync(_dir.Path, site, s => s with { RunTests = false });
        var layout = new ResultsLayout(_dir.Combine("results"));
        SummaryWriter.Write(layout, summary.Results);

        var read = ProcessRunner.Run("racket", ["-e", $$"""
            {{Categories}}
            (define s (call-with-input-file "{{layout.SummaryRktd}}" read))
            (for ([p '("blk-broken" "blk-user" "blk-ok")])
              (printf "~a: ~a ~s\n" p (category (hash-ref s p)) (hash-ref (hash-ref s p) 'failure-log)))
            """]);

        Assert.Equal(0, read.ExitCode);
        Assert.Equal(
            "blk-broken: install fails \"logs/blk-broken/install.txt\"\n"
            + "blk-user: install fails \"logs/blk-user/install.txt\"\n"
            + "blk-ok: install succeeds #f\n",
            read.Output);
        var log = File.ReadAllText(layout.Resolve("logs/blk-user/install.txt"));
        Assert.Contains("blk-user was not installed: its dependency blk-broken did not install (install failure)", log);
        Assert.Contains("its log: logs/blk-broken/install.txt", log);

        var json = JsonNode.Parse(File.ReadAllText(layout.SummaryJson))!.AsArray().ToDictionary(r => r!["package"]!.GetValue<string>());
        Assert.Equal("logs/blk-ok/check-deps.txt", json["blk-ok"]!["dependencyLog"]?.GetValue<string>());
        Assert.True(File.Exists(layout.Resolve("logs/blk-ok/check-deps.txt")));
        Assert.Equal("logs/blk-user/install.txt", json["blk-user"]!["installLog"]?.GetValue<string>());
    }
}
