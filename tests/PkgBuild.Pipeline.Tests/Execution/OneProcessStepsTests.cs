using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// How the one Racket process's output is read when its limit runs out at a step's edge, with a session
/// that plays the process back (what cannot be timed reliably with a real one): the kill that comes as
/// the next step begins is the step before's, so the one begun is run again on its own.
/// </summary>
public sealed class OneProcessStepsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_limit_that_ran_out_before_a_step_began_is_not_that_steps_time_out()
    {
        var session = new PlayedSession(_dir.Path);
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(_dir.Combine("results")),
            StateDirectory = _dir.Combine("state"),
            SiteDirectory = _dir.Combine("site"),
            RacketIdentity = "test",
            OneProcessPerPackage = true,
        };
        await using var machine = new LocalGuestMachine(GuestSpec.Parse("g", new Dictionary<string, string>()), _dir.Combine("g"), _ => { }); // never started: a name
        var runner = new SeparateProcessSteps(settings, session, new RunGuest(machine, new Uri("http://127.0.0.1:9/"), "raco"), _dir.Combine("logs"), new Dictionary<string, string>());
        var steps = new[]
        {
            new RacoStep("first", ["first"], TimeSpan.FromSeconds(60)),
            new RacoStep("second", ["second"], TimeSpan.FromSeconds(60)),
        };

        var ran = new List<(RacoStep Step, GuestRunResult Result)>();
        await foreach (var finished in runner.RunAsync(steps, CancellationToken.None))
        {
            ran.Add(finished);
        }

        Assert.Equal(["first", "second"], ran.Select(r => r.Step.Name));
        Assert.Equal(0, ran[0].Result.ExitCode);
        Assert.False(ran[1].Result.TimedOut);
        Assert.Equal(0, ran[1].Result.ExitCode);
        Assert.Equal(2, session.Commands.Count); // the shared process, then second alone
        var second = File.ReadAllText(_dir.Combine("logs", "second.txt"));
        Assert.Contains("ended out of time as second began", second);
        Assert.Contains("second alone", second);
    }

    /// <summary>
    /// First command: the shared process, whose limit runs out as it prints the end of its first step and the
    /// start of its second, then it is killed. Any later command: a step run alone, that succeeds.
    /// </summary>
    private sealed class PlayedSession(string root) : IGuestSession
    {
        public List<GuestCommand> Commands { get; } = [];

        public string Root => root;

        public string WorkDirectory => root + "/work";

        public string UserHome => root + "/home";

        public Task<GuestRunResult> RunAsync(GuestCommand command, GuestRunOptions options, CancellationToken cancellationToken = default)
        {
            Commands.Add(command);
            if (Commands.Count > 1)
            {
                options.OnOutputLine?.Invoke($"{command.Arguments[0]} alone");
                return Task.FromResult(new GuestRunResult(0, false, "", TimeSpan.FromSeconds(1)));
            }
            var marker = command.Arguments[command.Arguments.ToList().IndexOf("--") + 1];
            using var limit = new CancellationTokenSource();
            options.Deadline!.Attach(limit);
            options.OnOutputLine!($"{marker} start 0");
            options.OnOutputLine("first output");
            limit.Cancel(); // the deadline: the kill is on its way
            options.OnOutputLine("");
            options.OnOutputLine($"{marker} exit 0 0");
            options.OnOutputLine($"{marker} start 1");
            options.Deadline.Detach();
            return Task.FromResult(new GuestRunResult(-1, true, "", TimeSpan.FromSeconds(60)));
        }

        public Task CopyInAsync(string localFile, string relativePath, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CopyOutAsync(string relativePath, string localFile, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
