using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Verdicts;

public sealed class LogDivergenceTests
{
    private static readonly string[] Log =
    [
        "raco pkg install -u --auto qs-app",
        "Resolving \"qs-app\" via http://localhost:18333/built/catalog/",
        "raco setup: 0 making: <pkgs>/qs-app",
        "raco test: \"qs-app/main.rkt\"",
        "5 tests passed",
    ];

    [Fact]
    public void Identical_logs_do_not_diverge()
    {
        Assert.Null(LogDivergence.Find(Log, Log.ToArray()));
        Assert.Null(LogDivergence.Find([], []));
    }

    [Theory]
    [InlineData("unpacking /work/sessions/qs-app-0123456789ab/pkgs/qs-app.zip", "unpacking /work/sessions/qs-app-fedcba987654/pkgs/qs-app.zip")]
    [InlineData("cd /tmp/sessions/guest-1-0123456789ab/ && raco test", "cd /tmp/sessions/guest-2-a1b2c3d4e5f6/ && raco test")]
    [InlineData("[17:18:10] installing qs-app", "[09:01:02] installing qs-app")]
    [InlineData("started 2025-01-02T03:04:05Z", "started 2026-11-30T23:59:58Z")]
    [InlineData("started 2025-01-02 03:04:05.123", "started 2025-02-03 04:05:06.999")]
    [InlineData("finished in 2.5 s", "finished in 118 s")]
    [InlineData("took 12ms", "took 7ms")]
    [InlineData("waited 3 seconds", "waited 1 second")]
    [InlineData("cpu time: 120 real time: 130 gc time: 4", "cpu time: 9 real time: 10 gc time: 0")]
    [InlineData("log: results/baseline/logs/qs-app/test.txt", "log: results/logs/qs-app/test.txt")]
    [InlineData("site: /work/site/baseline/built/catalog/", "site: /work/site/built/catalog/")]
    public void Logs_differing_only_in_what_changes_between_runs_do_not_diverge(string baselineLine, string modifiedLine)
    {
        var baseline = Log.Take(2).Append(baselineLine).Concat(Log.Skip(2)).ToList();
        var modified = Log.Take(2).Append(modifiedLine).Concat(Log.Skip(2)).ToList();

        Assert.Null(LogDivergence.Find(baseline, modified));
    }

    [Fact]
    public void All_the_noise_at_once_on_one_line_does_not_diverge()
    {
        Assert.Null(LogDivergence.Find(
            ["[17:18:10] /sessions/qs-app-0123456789ab/ 2025-01-02T03:04:05Z 2.5 s results/baseline/x"],
            ["[08:00:00] /sessions/qs-app-abcdefabcdef/ 2024-12-31T00:00:00Z 0.1 s results/x"]));
    }

    [Fact]
    public void A_real_difference_is_found_at_its_line_with_both_texts()
    {
        var modified = Log.ToArray();
        modified[3] = "raco test: \"qs-app/main.rkt\" FAILED: expected 3, got 4";
        // Noise before the difference does not move it.
        modified[0] = Log[0] + " [12:00:00]";
        var baseline = Log.ToArray();
        baseline[0] = Log[0] + " [11:59:59]";

        var divergence = LogDivergence.Find(baseline, modified);

        Assert.NotNull(divergence);
        Assert.Equal(4, divergence.Line);
        Assert.Equal(modified[3], divergence.Modified);
        Assert.Equal(Log[3], divergence.Baseline);
    }

    [Fact]
    public void A_difference_in_a_session_id_that_is_not_twelve_hex_digits_is_real()
    {
        var divergence = LogDivergence.Find(["/sessions/qs-app-0123456789ab/x"], ["/sessions/qs-app-0123456789/x"]);

        Assert.NotNull(divergence);
        Assert.Equal(1, divergence.Line);
    }

    [Fact]
    public void A_modified_log_longer_than_the_baseline_diverges_at_its_first_extra_line()
    {
        var modified = Log.Append("error: something broke").Append("context...").ToList();

        var divergence = LogDivergence.Find(Log, modified);

        Assert.NotNull(divergence);
        Assert.Equal(Log.Length + 1, divergence.Line);
        Assert.Equal("error: something broke", divergence.Modified);
        Assert.Null(divergence.Baseline);
    }

    [Fact]
    public void Find_on_files_compares_their_lines_and_is_null_when_either_is_missing()
    {
        using var dir = new TempDirectory();
        var baseline = dir.Combine("baseline.txt");
        var modified = dir.Combine("modified.txt");
        File.WriteAllLines(baseline, Log);
        File.WriteAllLines(modified, Log.Take(4).Append("3 tests passed, 2 failed"));

        var divergence = LogDivergence.Find(baseline, modified);

        Assert.Equal(new LogDivergence(5, "3 tests passed, 2 failed", "5 tests passed"), divergence);
        Assert.Null(LogDivergence.Find(baseline, dir.Combine("none.txt")));
        Assert.Null(LogDivergence.Find(dir.Combine("none.txt"), modified));
    }
}
