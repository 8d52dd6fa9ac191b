using System.Diagnostics;
using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Tests.Processes;

/// <summary>The limits on a step's command: the silence watchdog, the deadline, and the output cap.</summary>
public sealed class RunLimitTests
{
    [Fact]
    public async Task A_command_that_prints_nothing_is_killed_by_the_silence_watchdog()
    {
        var clock = Stopwatch.StartNew();

        var result = await ChildProcess.RunAsync("sleep", ["30"],
            new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(2), SilenceTimeout = TimeSpan.FromSeconds(1) });

        Assert.True(result.TimedOut);
        Assert.True(result.Silent);
        Assert.False(result.Succeeded);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"killed only after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_command_that_keeps_printing_is_not_killed_by_the_silence_watchdog()
    {
        var lines = new List<string>();

        // 4 s of ticks every 0.2 s against 2 s of silence: the watchdog must be reset by each tick.
        var result = await ChildProcess.RunAsync("sh", ["-c", "i=0; while [ $i -lt 20 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done"],
            new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(2), SilenceTimeout = TimeSpan.FromSeconds(2), OnOutputLine = l => { lock (lines) { lines.Add(l); } } });

        Assert.False(result.TimedOut);
        Assert.False(result.Silent);
        Assert.True(result.Succeeded);
        Assert.Equal(20, lines.Count);
        Assert.EndsWith("tick 19\n", result.Output);
    }

    [Fact]
    public async Task Output_on_stderr_counts_as_output_for_the_watchdog()
    {
        var result = await ChildProcess.RunAsync("sh", ["-c", "i=0; while [ $i -lt 20 ]; do echo tick >&2; i=$((i+1)); sleep 0.2; done"],
            new ChildProcessOptions { SilenceTimeout = TimeSpan.FromSeconds(2) }); // 4 s in all

        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task The_deadline_is_not_silence()
    {
        var result = await ChildProcess.RunAsync("sh", ["-c", "while true; do echo busy; sleep 0.05; done"],
            new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(1), SilenceTimeout = TimeSpan.FromSeconds(30) });

        Assert.True(result.TimedOut);
        Assert.False(result.Silent);
        Assert.Equal(-1, result.ExitCode);
    }

    [Fact]
    public async Task Cancelling_throws_and_is_not_a_timeout()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ChildProcess.RunAsync("sleep", ["30"], new ChildProcessOptions { SilenceTimeout = TimeSpan.FromSeconds(10) }, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Flooding_output_is_kept_only_up_to_the_cap_with_a_marker()
    {
        const int cap = 1 << 20;
        var heard = 0;

        // yes's stderr is dropped: children of a .NET process inherit SIGPIPE ignored, so yes ends with
        // "Broken pipe" on stderr instead of dying of the signal, and that line would land at a random place.
        var result = await ChildProcess.RunAsync("sh", ["-c", "yes 2>/dev/null | head -c 10000000"],
            new ChildProcessOptions { MaxOutputChars = cap, OnOutputLine = _ => Interlocked.Increment(ref heard) });

        Assert.True(result.Succeeded);
        Assert.Equal(5_000_000, heard); // the listener hears every line
        Assert.Equal(string.Concat(Enumerable.Repeat("y\n", cap / 2))
            + $"\n[pkgbuild: output cut here; {10_000_000 - cap} more characters were not kept]\n", result.Output);
    }

    [Fact]
    public void OutputBuffer_cuts_inside_a_line_and_counts_what_it_dropped()
    {
        var buffer = new OutputBuffer(10);

        buffer.AppendLine("12345");
        Assert.False(buffer.Truncated);
        buffer.AppendLine("abcdefgh");
        buffer.Append("more".ToCharArray(), 4);

        Assert.True(buffer.Truncated);
        Assert.Equal("12345\nabcd\n[pkgbuild: output cut here; 9 more characters were not kept]\n", buffer.ToString());
    }

    [Fact]
    public void OutputBuffer_under_the_cap_is_the_text_itself()
    {
        var buffer = new OutputBuffer(100);

        buffer.AppendLine("one");
        buffer.Append("two");

        Assert.False(buffer.Truncated);
        Assert.Equal("one\ntwo", buffer.ToString());
    }

    [Fact]
    public async Task RunLimit_fires_on_silence_only_and_says_so()
    {
        using var limit = new RunLimit(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), CancellationToken.None);
        for (var i = 0; i < 40; i++) // 4 s in all, past the 2 s of silence: only Heard() keeps it alive
        {
            await Task.Delay(100);
            limit.Heard();
        }
        Assert.False(limit.Token.IsCancellationRequested, "cancelled while hearing output every 100 ms");

        await Task.Delay(Timeout.Infinite, limit.Token).ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(limit.Token.IsCancellationRequested);
        Assert.True(limit.Silent);
        Assert.True(limit.Expired);
    }

    [Fact]
    public async Task RunLimit_cancelled_by_its_caller_has_not_expired()
    {
        using var caller = new CancellationTokenSource();
        using var limit = new RunLimit(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), caller.Token);

        await caller.CancelAsync();

        Assert.True(limit.Token.IsCancellationRequested);
        Assert.False(limit.Expired);
        Assert.False(limit.Silent);
    }

    [Fact]
    public async Task RunLimit_deadline_expires_without_being_silence()
    {
        using var limit = new RunLimit(TimeSpan.FromMilliseconds(200), null, CancellationToken.None);

        await Task.Delay(Timeout.Infinite, limit.Token).ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(limit.Expired);
        Assert.False(limit.Silent);
    }
}
