using System.Text;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

public sealed class StepLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LogPath => _dir.Combine("logs", "qs-app", "install.txt");

    [Fact]
    public void The_lines_the_header_and_the_footer_are_written_in_order()
    {
        using (var log = new StepLog(LogPath, 1 << 20, "$ raco pkg install qs-app"))
        {
            log.Line("one");
            log.Line("twö ✓");
            log.Line("");
            log.Complete("[exited with 0]");
        }

        Assert.Equal("$ raco pkg install qs-app\none\ntwö ✓\n\n[exited with 0]\n", File.ReadAllText(LogPath, Encoding.UTF8));
        Assert.Equal([LogPath], Directory.GetFiles(Path.GetDirectoryName(LogPath)!));
    }

    [Fact]
    public void Nothing_is_at_the_final_path_until_Complete()
    {
        using var log = new StepLog(LogPath, 1 << 20, "header");
        log.Line("output so far");

        Assert.False(File.Exists(LogPath));

        log.Complete("footer");

        Assert.True(File.Exists(LogPath));
        Assert.Equal("header\noutput so far\nfooter\n", File.ReadAllText(LogPath));
    }

    [Fact]
    public void A_log_replaces_the_one_of_an_earlier_run_only_when_complete()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        File.WriteAllText(LogPath, "earlier run\n");

        using (var log = new StepLog(LogPath, 1 << 20, "header"))
        {
            log.Line("this run");
            Assert.Equal("earlier run\n", File.ReadAllText(LogPath));
            log.Complete("footer");
        }

        Assert.Equal("header\nthis run\nfooter\n", File.ReadAllText(LogPath));
    }

    [Fact]
    public void Dispose_without_Complete_leaves_no_file()
    {
        using (var log = new StepLog(LogPath, 1 << 20, "header"))
        {
            log.Line("killed before the end");
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(LogPath)!));
    }

    [Fact]
    public void The_cap_cuts_the_log_with_a_marker_line_that_says_how_much_was_dropped()
    {
        const int cap = 1000;
        var lines = Enumerable.Range(0, 500).Select(i => $"line {i:D4}").ToList(); // 10 bytes each with the newline
        using (var log = new StepLog(LogPath, cap, "header 10")) // 10 bytes
        {
            lines.ForEach(log.Line);
            log.Complete("footer");
        }

        var text = File.ReadAllText(LogPath);
        var kept = text.Split('\n')[1..^3];
        Assert.Equal(lines.Take(99), kept);
        Assert.Contains($"\n[pkgbuild: log cut here at PkgBuildMaxLogSize ({cap} bytes); {401 * 10} more bytes of output were not kept]\nfooter\n", text);
        Assert.StartsWith("header 10\nline 0000\n", text);
    }

    [Fact]
    public void After_the_cut_no_later_line_is_kept_even_a_short_one()
    {
        // The log must be the output's beginning and then the marker: a short line that arrives after a
        // long one was dropped, and that would still fit, must not appear after a gap.
        using (var log = new StepLog(LogPath, 100, "header"))
        {
            log.Line(new string('a', 60));
            log.Line(new string('b', 60)); // crosses the cap: kept up to it
            log.Line("c");                  // would fit in what is left, but comes after the cut
            log.Complete("footer");
        }

        var text = File.ReadAllText(LogPath);
        Assert.DoesNotContain("\nc\n", text);
        // 100 bytes: "header\n" (7) + 60 a's and "\n" (61) + what is left of the b's (31) and its "\n".
        Assert.StartsWith($"header\n{new string('a', 60)}\n{new string('b', 31)}\n[pkgbuild: log cut here", text);
    }

    [Fact]
    public void Lines_written_from_two_threads_are_all_kept_whole()
    {
        using (var log = new StepLog(LogPath, 10 << 20, "header"))
        {
            Parallel.For(0, 2, t =>
            {
                for (var i = 0; i < 5000; i++)
                {
                    log.Line($"thread {t} line {i}");
                }
            });
            log.Complete("footer");
        }

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(10002, lines.Length);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"thread 0 line {i}"), lines.Where(l => l.StartsWith("thread 0 ", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"thread 1 line {i}"), lines.Where(l => l.StartsWith("thread 1 ", StringComparison.Ordinal)));
    }
}
