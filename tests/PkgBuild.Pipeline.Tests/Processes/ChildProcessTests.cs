using PkgBuild.Pipeline.Processes;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Processes;

public sealed class ChildProcessTests
{
    [Fact]
    public async Task Passes_arguments_verbatim_without_a_shell()
    {
        var hostile = "a b; echo pwned $(id) `id` \"q\" 'q' *";

        var result = await ChildProcess.RunAsync("printf", ["%s\\n", hostile]);

        Assert.True(result.Succeeded);
        Assert.Equal(hostile + "\n", result.Output);
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_tree()
    {
        using var dir = new TempDirectory();
        var pids = dir.Combine("pids");

        var result = await ChildProcess.RunAsync(
            "sh",
            ["-c", "echo $$ > \"$1\"; sleep 60 & echo $! >> \"$1\"; wait", "sh", pids],
            new ChildProcessOptions { Timeout = TimeSpan.FromMilliseconds(500) });

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        var started = File.ReadAllLines(pids).Select(int.Parse).ToList();
        Assert.Equal(2, started.Count);
        Assert.All(started, pid => Assert.False(IsAlive(pid), $"process {pid} survived"));
    }

    [Fact]
    public async Task Streams_each_line_as_it_arrives_and_reports_the_exit_code()
    {
        var lines = new List<string>();

        var result = await ChildProcess.RunAsync(
            "sh", ["-c", "echo one; echo two >&2; exit 3"],
            new ChildProcessOptions { OnOutputLine = lines.Add });

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(["one", "two"], lines.Order());
    }

    [Fact]
    public async Task A_missing_program_says_so()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => ChildProcess.RunAsync("no-such-program-pkgbuild", []));

        Assert.Contains("on PATH", error.Message);
    }

    private static bool IsAlive(int pid)
    {
        // A killed child may linger as a zombie until reaped; a zombie is not running.
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && !File.ReadAllText(stat).Split(' ')[2].Equals("Z", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_without_newlines_is_heard_by_the_watchdog_and_cut_into_bounded_lines()
    {
        // A package printing dots without end: it is not silent, and no line may grow without bound.
        var longest = 0;
        var result = await ChildProcess.RunAsync("timeout", ["3", "sh", "-c", "while :; do printf ................................; done"], new ChildProcessOptions
        {
            SilenceTimeout = TimeSpan.FromSeconds(1),
            MaxOutputChars = 100_000,
            OnOutputLine = line => longest = Math.Max(longest, line.Length),
        });

        Assert.False(result.TimedOut, "the watchdog took a flood of output for silence");
        Assert.Equal(124, result.ExitCode); // timeout(1) ended it, not us
        Assert.InRange(longest, 1, PkgBuild.Pipeline.Processes.StreamLines.MaxLineChars);
        Assert.InRange(result.Output.Length, 100_000, 101_000);
        Assert.Contains("output cut here", result.Output);
    }
}
