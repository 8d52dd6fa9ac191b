using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// A package's raco commands run in a real Local guest with the real raco: in one Racket process
/// (raco-steps.rkt) and one process each, with the same exit codes and output either way; each step with
/// its own log and its own time limit; a failed install ends the run; a process that dies leaves the
/// rest of the steps to processes of their own.
/// </summary>
public sealed class SeparateProcessStepsTests : IAsyncLifetime
{
    private const string SharedHeader = "in the package's one Racket process";

    private readonly TempDirectory _dir = new();
    private LocalGuestMachine _guest = null!;

    public async Task InitializeAsync()
    {
        _guest = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string>()), _dir.Combine("guests", "local"), _ => { });
        try
        {
            await _guest.PreflightAsync();
            Assert.True(_guest.Isolated, "Local guests are not isolated here: these tests run packages' code");
            await _guest.StartAsync();
        }
        catch
        {
            _dir.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _guest.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Each_step_has_its_own_log_exit_code_and_time_limit(bool oneProcess)
    {
        var ran = await RunAsync(oneProcess,
            // 6 s of sleep each against limits of 11 s: together past any one limit, so each step's limit must
            // start with it; 5 s left to each step for starting raco on a loaded 2-core CI machine (4 s was not).
            Step("first", TimeSpan.FromSeconds(11), "(printf \"first\\n\") (flush-output) (sleep 6) (printf \"no newline\")"),
            Step("second", TimeSpan.FromSeconds(11), "(printf \"second\\n\") (exit 7)"),
            Step("third", TimeSpan.FromSeconds(11), "(sleep 6) (printf \"third\\n\")"));

        Assert.Equal(["first", "second", "third"], ran.Select(r => r.Step.Name));
        Assert.Equal([0, 7, 0], ran.Select(r => r.Result.ExitCode));
        Assert.All(ran, r => Assert.False(r.Result.TimedOut));
        Assert.Contains("no newline\n", ran[0].Result.Output); // output without a final newline is the step's, not lost to the marker
        Assert.Contains("second\n", ran[1].Result.Output);
        Assert.DoesNotContain("first", ran[1].Result.Output);

        var first = Log("first");
        Assert.StartsWith("$ raco test --direct first.rkt   [guest local, ", first);
        Assert.Contains("\nfirst\nno newline\n", first);
        Assert.Matches(@"\n\[pkgbuild: first exited with 0 after \d+\.\d s\]\n$", first);
        Assert.Contains("[pkgbuild: second exited with 7 after", Log("second"));
        Assert.Contains("\nthird\n", Log("third"));
        // The steps after one that called exit ran in the same process: exit ends a command, not the process.
        Assert.All(new[] { "first", "second", "third" }, name => Assert.Equal(oneProcess, Log(name).Contains(SharedHeader)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_failed_stop_step_ends_the_run(bool oneProcess)
    {
        var ran = await RunAsync(oneProcess,
            new RacoStep("install", ["test", "no-such-file.rkt"], TimeSpan.FromSeconds(60)) { StopOnFailure = true },
            Step("after", TimeSpan.FromSeconds(60), "(void)"));

        var only = Assert.Single(ran);
        Assert.Equal(1, only.Result.ExitCode);
        Assert.Contains("no such file or directory", Log("install"));
        Assert.False(File.Exists(LogPath("after")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_step_past_its_limit_is_killed_and_nothing_runs_after_it(bool oneProcess)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ran = await RunAsync(oneProcess,
            Step("quick", TimeSpan.FromSeconds(60), "(void)"),
            // 8 s: time to start raco and print on a loaded machine, far below the 60 s it would hang.
            Step("hang", TimeSpan.FromSeconds(8), "(printf \"hanging\\n\") (flush-output) (sleep 60)"),
            Step("after", TimeSpan.FromSeconds(60), "(void)"));

        Assert.Equal(["quick", "hang"], ran.Select(r => r.Step.Name));
        Assert.True(ran[1].Result.TimedOut);
        Assert.False(ran[1].Result.Silent);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"took {clock.Elapsed}");
        Assert.Contains("hanging", Log("hang"));
        Assert.Contains("[pkgbuild: hang stopped after", Log("hang"));
        Assert.Contains("over its time limit of 8 s", Log("hang"));
        Assert.Equal(oneProcess, Log("hang").Contains(SharedHeader)); // its own time-out, not taken for the step before's
        Assert.DoesNotContain("[pkgbuild: the Racket process", Log("hang"));
        Assert.False(File.Exists(LogPath("after")));
    }

    [Fact]
    public async Task When_the_one_process_dies_its_step_ends_with_it_and_those_after_it_run_each_alone()
    {
        var ran = await RunAsync(oneProcess: true,
            Step("fine", TimeSpan.FromSeconds(60), "(printf \"fine\\n\")"),
            Step("die", TimeSpan.FromSeconds(60),
                "(printf \"dying\\n\") (flush-output) (eprintf \"last words\\n\") (void (system* \"/bin/kill\" \"-KILL\" (number->string (getpid)))) (sleep 30)"),
            Step("after", TimeSpan.FromSeconds(60), "(printf \"after\\n\")"));

        Assert.Equal(["fine", "die", "after"], ran.Select(r => r.Step.Name));
        Assert.Equal(0, ran[0].Result.ExitCode);
        Assert.Equal(137, ran[1].Result.ExitCode); // killed: not run again (an install cannot be run on top of half of one)
        Assert.False(ran[1].Result.TimedOut);
        Assert.Equal(0, ran[2].Result.ExitCode);
        Assert.Contains(SharedHeader, Log("fine"));
        var die = Log("die");
        Assert.Contains(SharedHeader, die);
        Assert.Contains("dying", die);
        Assert.Contains("last words", die); // stderr is not held in a buffer that the kill throws away
        Assert.Contains("[pkgbuild: the Racket process running this package's steps ended during die (exit 137); this step ends with it]", die);
        var after = Log("after");
        Assert.DoesNotContain(SharedHeader, after);
        Assert.Contains("[pkgbuild: the Racket process running this package's steps ended during die (exit 137); after and the steps after it run each in a process of its own]", after);
        Assert.Contains("\nafter\n", after);
    }

    [Fact]
    public async Task After_a_command_instantiates_racket_gui_base_the_rest_run_each_alone()
    {
        // racket/gui/base refuses a second instance in one process; here it fails at once for want of a display,
        // but only after registering itself, which is what the driver looks for.
        var ran = await RunAsync(oneProcess: true,
            Step("gui", TimeSpan.FromSeconds(60), "(require racket/gui/base)"),
            Step("after", TimeSpan.FromSeconds(60), "(printf \"after\\n\")"));

        Assert.Equal(["gui", "after"], ran.Select(r => r.Step.Name));
        Assert.Contains(SharedHeader, Log("gui"));
        var after = Log("after");
        Assert.DoesNotContain(SharedHeader, after);
        Assert.Contains("racket/gui/base was instantiated", after);
        Assert.Equal(0, ran[1].Result.ExitCode);
    }

    [Fact]
    public async Task Stderr_and_an_empty_last_line_reach_the_step_log_as_a_raco_process_prints_them()
    {
        var steps = new[]
        {
            Step("mixed", TimeSpan.FromSeconds(60), "(eprintf \"err one\\n\") (printf \"out\\n\") (flush-output) (eprintf \"err two\\n\") (printf \"last\\n\\n\")"),
            Step("next", TimeSpan.FromSeconds(60), "(void)"),
        };
        await RunAsync(true, steps);
        var lines = Log("mixed").Split('\n')[1..^2]; // without header and footer

        // The same command as its own raco process, its stderr into the same pipe (as an Ssh guest runs every command).
        await using var session = await _guest.OpenSessionAsync("alone");
        await session.CopyInAsync(_dir.Combine("modules", "mixed.rkt"), "work/mixed.rkt");
        var alone = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "exec 2>&1; exec raco test --direct mixed.rkt"), new GuestRunOptions());
        Assert.Equal(alone.Output.Split('\n')[..^1], lines);
        Assert.Equal(["raco test: \"mixed.rkt\"", "err one", "out", "err two", "last", ""], lines);
    }

    private string Logs => _dir.Combine("logs");

    private string LogPath(string step) => Path.Combine(Logs, step + ".txt");

    private string Log(string step) => File.ReadAllText(LogPath(step));

    private readonly Dictionary<string, string> _modules = [];

    /// <summary>A step that runs a module of its own (<c>raco test --direct</c>: in the raco process itself) with <paramref name="body"/>.</summary>
    private RacoStep Step(string name, TimeSpan timeout, string body)
    {
        _modules[name + ".rkt"] = $"#lang racket/base\n(require racket/os racket/system)\n{body}\n";
        return new RacoStep(name, ["test", "--direct", name + ".rkt"], timeout);
    }

    private async Task<List<(RacoStep Step, GuestRunResult Result)>> RunAsync(bool oneProcess, params RacoStep[] steps)
    {
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(_dir.Combine("results")),
            StateDirectory = _dir.Combine("state"),
            SiteDirectory = _dir.Combine("site"),
            RacketIdentity = "test",
            OneProcessPerPackage = oneProcess,
            SilenceTimeout = TimeSpan.FromSeconds(30),
        };
        await using var session = await _guest.OpenSessionAsync("pkg");
        foreach (var (file, text) in _modules)
        {
            var local = _dir.Combine("modules", file);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            File.WriteAllText(local, text);
            await session.CopyInAsync(local, "work/" + file);
        }
        var guest = new RunGuest(_guest, new Uri("http://127.0.0.1:9/"), "raco");
        var runner = new SeparateProcessSteps(settings, session, guest, Logs, new Dictionary<string, string>());
        var ran = new List<(RacoStep, GuestRunResult)>();
        await foreach (var finished in runner.RunAsync(steps, CancellationToken.None))
        {
            ran.Add(finished);
        }
        return ran;
    }
}
