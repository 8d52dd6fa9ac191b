using System.Diagnostics;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Execution;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Slurm;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>One real two-node cluster for the Slurm guest tests of a class, whose daemons do not see <see cref="SlurmCluster.NotShared"/>.</summary>
public sealed class SlurmClusterFixture : IDisposable
{
    public SlurmCluster Cluster { get; } = SlurmCluster.Start(hideFromNodes: true);

    public void Dispose() => Cluster.Dispose();
}

/// <summary>Slurm guests on a real cluster: sessions as jobs on the nodes, sandboxed, limits, cancellation, preflight.</summary>
public sealed class SlurmGuestTests(SlurmClusterFixture fixture) : IClassFixture<SlurmClusterFixture>, IAsyncLifetime
{
    private readonly TempDirectory _shared = new("pkgbuild-slurm-shared");
    private readonly List<PkgBuildException> _warnings = [];
    private SlurmGuestMachine _guest = null!;

    private SlurmCluster Cluster => fixture.Cluster;

    private SlurmGuestMachine Guest(string sharedDir, IReadOnlyDictionary<string, string?>? environment = null, params (string Key, string Value)[] metadata)
    {
        var items = new Dictionary<string, string> { ["Kind"] = "Slurm", ["SharedDir"] = sharedDir, ["MemoryMb"] = "2048" };
        foreach (var (key, value) in metadata)
        {
            items[key] = value;
        }
        return new SlurmGuestMachine(GuestSpec.Parse("cluster", items), _warnings.Add, environment ?? Cluster.ClientEnvironment);
    }

    public async Task InitializeAsync()
    {
        _guest = Guest(_shared.Path);
        await _guest.PreflightAsync();
        Assert.True(_guest.Isolated, string.Join("\n", _warnings.Select(w => w.Message)));
        await _guest.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _guest.DisposeAsync();
        _shared.Dispose();
    }

    private static GuestRunOptions Quick => new() { Timeout = TimeSpan.FromSeconds(60) };

    private IEnumerable<string> QueuedJobsOf(SlurmGuestMachine guest) => Cluster.Queue().Where(l => l.Contains($"pkgbuild.{guest.BuildId}.", StringComparison.Ordinal));

    /// <summary>The guest's jobs still queued once those completing have left (see <see cref="SlurmCluster.QueueOnceSettled"/>).</summary>
    private List<string> JobsLeftBy(SlurmGuestMachine guest)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var left = QueuedJobsOf(guest).ToList();
        while (left.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(250);
            left = QueuedJobsOf(guest).ToList();
        }
        return left;
    }

    [Fact]
    public async Task A_session_runs_racket_as_a_job_on_a_node_sandboxed_with_its_output_streamed()
    {
        Assert.Equal(["n1", "n2"], _guest.Nodes.Order());
        var heard = new List<(string Line, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        long? job;
        await using (var session = await _guest.OpenSessionAsync("pkg-a"))
        {
            var result = await session.RunAsync(new GuestCommand("racket", "-e",
                "(displayln \"first\") (flush-output) (sleep 2) (eprintf \"second ~a\\n\" (getenv \"PLTUSERHOME\"))"),
                Quick with { OnOutputLine = line => heard.Add((line, clock.Elapsed)) });
            job = ((SlurmGuestSession)session).Job;

            Assert.True(result.Succeeded, result.Output);
            Assert.Equal(["first", $"second {session.UserHome}"], heard.Select(h => h.Line));
            Assert.True(heard[1].At - heard[0].At > TimeSpan.FromSeconds(1.5), "the first line came only with the second: not streamed");
            Assert.DoesNotContain("srun", result.Output); // srun's own lines stay out of the package's log

            // The Local sandbox on the node: the nobody user, no network, this machine's /root hidden.
            var sandbox = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "id -u; ls -A /root | wc -l; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; pwd"), Quick);
            Assert.Equal(["65534", "0", "lo", session.WorkDirectory], sandbox.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            var exit = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo out; exit 3"), Quick);
            Assert.Equal((3, "out"), (exit.ExitCode, exit.Output.Trim()));
            // Arguments as given, a lone ':' (srun's separator of heterogeneous jobs) and quotes included.
            var arguments = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "printf '<%s>' \"$@\"", "sh", ":", "a b", "it's", ""), Quick);
            Assert.Equal((0, "<:><a b><it's><>"), (arguments.ExitCode, arguments.Output.TrimEnd('\n')));
        }
        Assert.NotNull(job);
        Assert.Empty(JobsLeftBy(_guest));
        var done = await EventuallyAsync(() => Cluster.Completed().Where(j => j.Id == job.ToString()).ToList(), l => l.Count == 1);
        Assert.Equal(($"pkgbuild.{_guest.BuildId}.pkg-a", "COMPLETED"), (done[0].Name, done[0].State)); // ended by the session, when disposed: no cancellation
        Assert.Matches("^n[12]$", done[0].Nodes);
    }

    [Fact]
    public async Task Packages_at_once_run_as_jobs_on_both_nodes()
    {
        // Each session holds one CPU of its node; each node has this machine's (2 here), so three at once need both nodes.
        var cpus = Environment.ProcessorCount;
        var sessions = await Task.WhenAll(Enumerable.Range(0, cpus + 1).Select(i => _guest.OpenSessionAsync($"pkg-{i}")));
        var jobs = new List<long>();
        try
        {
            var results = await Task.WhenAll(sessions.Select(s => s.RunAsync(new GuestCommand("/bin/sh", "-c", "echo ran"), Quick)));
            Assert.All(results, r => Assert.Equal("ran", r.Output.Trim()));
            jobs.AddRange(sessions.Select(s => ((SlurmGuestSession)s).Job!.Value));
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
        var ids = jobs.Select(j => j.ToString()).ToHashSet();
        var done = await EventuallyAsync(() => Cluster.Completed().Where(j => ids.Contains(j.Id)).ToList(), l => l.Count == ids.Count);
        Assert.Equal(["n1", "n2"], done.Select(j => j.Nodes).Distinct().Order());
    }

    [Fact]
    public async Task A_command_past_its_limit_has_its_job_cancelled_and_the_session_goes_on()
    {
        await using var session = await _guest.OpenSessionAsync("slow");
        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo started; sleep 300"), Quick with { Timeout = TimeSpan.FromSeconds(3) });

        Assert.True(result.TimedOut);
        Assert.Contains("started", result.Output);
        Assert.Empty(JobsLeftBy(_guest));
        Assert.Empty(_guest.Jobs);

        var next = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo again"), Quick);
        Assert.Equal("again", next.Output.Trim());
    }

    [Fact]
    public async Task Cancelling_a_command_or_stopping_the_guest_leaves_no_job()
    {
        await using var session = await _guest.OpenSessionAsync("cancelled");
        using var cancel = new CancellationTokenSource();
        var running = session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo up; sleep 300"), Quick with { OnOutputLine = _ => cancel.Cancel() }, cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Empty(JobsLeftBy(_guest));

        // A session whose job is still held (between two commands), and the guest stopped under it.
        await using var held = await _guest.OpenSessionAsync("held");
        Assert.True((await held.RunAsync(new GuestCommand("/bin/true"), Quick)).Succeeded);
        Assert.Single(QueuedJobsOf(_guest));
        await _guest.StopAsync();
        Assert.Empty(JobsLeftBy(_guest));
    }

    [Fact]
    public async Task A_session_cancelled_while_its_job_is_being_granted_leaves_no_job()
    {
        // srun has a job as soon as the controller grants it, before the task prints its id: cancelled at
        // several moments after the start, one of them lands in that window on any machine.
        foreach (var milliseconds in new[] { 10, 30, 60, 100, 150, 250, 400 })
        {
            await using var session = await _guest.OpenSessionAsync($"granted-{milliseconds}");
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(milliseconds));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.RunAsync(new GuestCommand("/bin/sh", "-c", "sleep 300"), Quick, cancel.Token));
            Assert.True(JobsLeftBy(_guest) is [], $"cancelled {milliseconds} ms after the start: {string.Join("; ", QueuedJobsOf(_guest))}");
        }
    }

    [Fact]
    public async Task Preflight_names_each_problem_with_its_code()
    {
        async Task<string> CodeOf(SlurmGuestMachine guest)
        {
            await using (guest)
            {
                return (await Assert.ThrowsAsync<GuestException>(() => guest.PreflightAsync())).Code;
            }
        }
        var noCommands = new Dictionary<string, string?>(Cluster.ClientEnvironment) { ["PATH"] = _shared.Path };
        Assert.Equal(ErrorCodes.SlurmCommandsMissing, await CodeOf(Guest(_shared.Path, noCommands)));

        var wrongPort = Cluster.ConfigurationVariant("wrong-port", l => l.StartsWith("SlurmctldPort=", StringComparison.Ordinal) ? "SlurmctldPort=1" : l);
        Assert.Equal(ErrorCodes.SlurmControllerUnreachable, await CodeOf(Guest(_shared.Path, new Dictionary<string, string?> { ["SLURM_CONF"] = wrongPort })));

        var noMunge = Cluster.ConfigurationVariant("no-munge", l => l.StartsWith("AuthInfo=", StringComparison.Ordinal) ? "AuthInfo=socket=" + _shared.Combine("no.socket") : l);
        Assert.Equal(ErrorCodes.SlurmMungeFailed, await CodeOf(Guest(_shared.Path, new Dictionary<string, string?> { ["SLURM_CONF"] = noMunge })));

        Assert.Equal(ErrorCodes.SlurmPartitionUnusable, await CodeOf(Guest(_shared.Path, null, ("Partition", "nosuch"))));

        // The nodes see an empty directory where this machine has SharedDir.
        var hidden = Path.Combine(Cluster.NotShared, "shared");
        Directory.CreateDirectory(hidden);
        Assert.Equal(ErrorCodes.SlurmSharedDirNotVisible, await CodeOf(Guest(hidden)));

        Assert.Equal(ErrorCodes.SlurmJobRefused, await CodeOf(Guest(_shared.Path, null, ("MemoryMb", (1 << 20).ToString()))));

        var missingRacket = Assert.ThrowsAsync<GuestException>(() => _guest.UsePreinstalledRacketAsync("/nonexistent/racket"));
        Assert.Equal(ErrorCodes.SlurmNodeRacketFailed, (await missingRacket).Code);
        await _guest.UsePreinstalledRacketAsync("racket"); // the nodes' own Racket passes the same check
        Assert.Empty(Cluster.QueueOnceSettled());
    }

    [Fact]
    public async Task A_run_on_the_cluster_gives_what_a_run_on_a_Local_guest_gives()
    {
        using var dir = new TempDirectory();
        var site = await TestSite.ArchiveAsync(dir.Combine("packages"),
            new TestPackage("sl-base", "(provide one) (define one 1)"),
            new TestPackage("sl-user", "(require sl-base) (module+ test (unless (= one 1) (error 'sl-user \"wrong\")))", "sl-base"),
            new TestPackage("sl-tests-fail", "(module+ test (error 'sl-tests-fail \"fails on purpose\"))"),
            new TestPackage("sl-broken", "(this is not racket"));

        var local = await TestSite.RunLocalAsync(dir.Combine("local"), site, parallelism: 2, isolated: true);

        await using var guest = Guest(_shared.Path, null, ("Parallelism", "2"));
        await guest.PreflightAsync();
        await guest.StartAsync();
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(dir.Combine("slurm", "results")),
            StateDirectory = dir.Combine("slurm", "runs"),
            SiteDirectory = site,
        };
        var siteUri = await guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
        var slurm = await new PkgBuildRun(settings, [new RunGuest(guest, siteUri, "raco")], _ => { }).RunAsync(new RunSelection { Scope = RunScope.All }, CancellationToken.None);

        Assert.Equal(local.Results.OrderBy(r => r.Package).Select(r => (r.Package, r.Outcome, r.Step)),
            slurm.Results.OrderBy(r => r.Package).Select(r => (r.Package, r.Outcome, r.Step)));
        Assert.Contains(slurm.Results, r => r.Outcome != PkgBuild.Pipeline.Results.PackageOutcome.Success); // a comparison of all successes would say little
        Assert.True(File.ReadAllText(dir.Combine("slurm", "results", "logs", "sl-broken", "install.txt")).Length > 0);
        Assert.Empty(JobsLeftBy(guest));
        var names = Cluster.Completed().Select(j => j.Name).ToHashSet();
        Assert.All(new[] { "sl-base", "sl-user", "sl-tests-fail", "sl-broken" }, p => Assert.Contains($"pkgbuild.{guest.BuildId}.{p}", names));
        // Sessions that ended normally, failed packages included, COMPLETE: sacct shows no cancellation.
        var jobs = await EventuallyAsync(() => Cluster.Completed().Where(j => j.Name.StartsWith($"pkgbuild.{guest.BuildId}.sl-", StringComparison.Ordinal)).ToList(), l => l.Count >= 4);
        Assert.True(jobs.All(j => j.State == "COMPLETED"), string.Join("; ", jobs));
    }

    [Fact]
    public async Task A_run_cancelled_mid_run_leaves_no_job()
    {
        using var dir = new TempDirectory();
        var site = await TestSite.ArchiveAsync(dir.Combine("packages"),
            new TestPackage("cx-quick", "(provide one) (define one 1)"),
            new TestPackage("cx-slow", "(module+ test (sleep 300))"),
            new TestPackage("cx-after", "(require cx-quick)", "cx-quick"));
        await using var guest = Guest(_shared.Path, null, ("Parallelism", "2"));
        await guest.PreflightAsync();
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(dir.Combine("results")),
            StateDirectory = dir.Combine("runs"),
            SiteDirectory = site,
        };
        var siteUri = await guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
        using var cancel = new CancellationTokenSource();
        var run = new PkgBuildRun(settings, [new RunGuest(guest, siteUri, "raco")], _ => { }).RunAsync(new RunSelection { Scope = RunScope.All }, cancel.Token);

        // Ctrl+C once cx-slow's job has run a while (its tests sleep), and other packages' jobs may be starting.
        var slow = $"pkgbuild.{guest.BuildId}.cx-slow";
        var clock = Stopwatch.StartNew();
        while (!Cluster.Queue().Any(l => l.EndsWith(" " + slow, StringComparison.Ordinal)) && !run.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.False(run.IsCompleted, "the run ended before it could be cancelled");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromMinutes(1)));

        // Before the guest stops: the run's own sessions cancelled their jobs.
        Assert.Empty(JobsLeftBy(guest));
        Assert.Empty(guest.Jobs);
        // Ended by the SDK, its running step cancelled: COMPLETED (sacct keeps CANCELLED for what others cancel).
        var slowJobs = await EventuallyAsync(() => Cluster.Completed().Where(j => j.Name == slow).ToList(), l => l.Count > 0);
        Assert.Equal(["COMPLETED"], slowJobs.Select(j => j.State).Distinct());
    }

    [Fact]
    public async Task A_job_whose_srun_died_ends_by_itself_and_the_session_says_so()
    {
        // What a rebooted submit host leaves: the job's holding srun gone without a word.
        await using var session = (SlurmGuestSession)await _guest.OpenSessionAsync("orphan");
        Assert.True((await session.RunAsync(new GuestCommand("/bin/true"), Quick)).Succeeded);
        var job = session.Job!.Value;
        Process.GetProcessById(session.HolderProcessId!.Value).Kill();

        Assert.Empty(JobsLeftBy(_guest));
        var error = await Assert.ThrowsAsync<GuestException>(() => session.RunAsync(new GuestCommand("/bin/true"), Quick));
        Assert.Equal(ErrorCodes.SlurmJobEnded, error.Code);
        Assert.Contains(job.ToString(), error.Message);
        Assert.Empty(_guest.Jobs);
    }

    [Fact]
    public async Task The_next_guest_cancels_the_jobs_of_a_build_that_died_and_leaves_a_live_ones()
    {
        // Two builds' owners on this machine: one killed (SIGKILL), one still running.
        using var dead = Process.Start("sleep", "600");
        using var alive = Process.Start("sleep", "600");
        var deadOwner = SlurmJobOwner.Of(dead.Id)!;
        var aliveOwner = SlurmJobOwner.Of(alive.Id)!;
        long Submit(string build, string owner)
        {
            var result = Cluster.Run("salloc", "--no-shell", "--nodes=1", "--ntasks=1", $"--job-name=pkgbuild.{build}.left",
                $"--comment=pkgbuild build={build} guest=cluster owner={owner} run= package=left");
            Assert.True(result.ExitCode == 0, result.Output);
            return long.Parse(System.Text.RegularExpressions.Regex.Match(result.Output, @"Granted job allocation (\d+)").Groups[1].Value);
        }
        var deadJob = Submit("deadbeef", deadOwner);
        var aliveJob = Submit("a11ve000", aliveOwner);
        var otherHostJob = Submit("e15e0000", "elsewhere/0123456789ab/1/1");
        try
        {
            dead.Kill();
            await dead.WaitForExitAsync();

            var warnings = _warnings.Count;
            await using (var next = Guest(_shared.Path))
            {
                await next.PreflightAsync();
            }
            var said = Assert.Single(_warnings.Skip(warnings), w => w.Code == ErrorCodes.SlurmJobsOfDeadBuildCancelled);
            Assert.Contains($"job {deadJob} left by build deadbeef", said.Message);
            var queued = Cluster.QueueOnceSettled(TimeSpan.FromSeconds(3)).Select(l => l.Split(' ')[0]).ToList();
            Assert.DoesNotContain(deadJob.ToString(), queued);
            Assert.Contains(aliveJob.ToString(), queued);
            Assert.Contains(otherHostJob.ToString(), queued);
        }
        finally
        {
            Cluster.Run("scancel", aliveJob.ToString(), otherHostJob.ToString());
            alive.Kill();
            Cluster.QueueOnceSettled();
        }
    }

    internal static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done)
    {
        // jobcomp.txt gets a job's line once the controller has it complete, a moment after scancel returns.
        var clock = Stopwatch.StartNew();
        var value = read();
        while (!done(value) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(250);
            value = read();
        }
        return value;
    }
}

/// <summary>A node that dies under a running package: an infrastructure failure, on a cluster of its own for each test (the node stays dead).</summary>
public sealed class SlurmNodeFailureTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly SlurmCluster _cluster = SlurmCluster.Start(settings: new Dictionary<string, string?>
    {
        ["SLURM_CLUSTER_SLURMD_TIMEOUT"] = "5",
        ["SLURM_CLUSTER_MESSAGE_TIMEOUT"] = "3",
    });

    private readonly TempDirectory _shared = new("pkgbuild-slurm-shared");

    public void Dispose()
    {
        _cluster.Dispose();
        _shared.Dispose();
    }

    [Fact]
    public async Task A_node_killed_under_a_command_is_an_infrastructure_failure_and_leaves_no_job()
    {
        var warnings = new List<PkgBuildException>();
        await using var guest = new SlurmGuestMachine(GuestSpec.Parse("cluster", new Dictionary<string, string> { ["Kind"] = "Slurm", ["SharedDir"] = _shared.Path }),
            warnings.Add, _cluster.ClientEnvironment);
        await guest.PreflightAsync();
        await using var session = (SlurmGuestSession)await guest.OpenSessionAsync("victim");
        var ticking = new TaskCompletionSource();
        var running = session.RunAsync(new GuestCommand("/bin/sh", "-c", "while true; do echo tick; sleep 1; done"),
            new GuestRunOptions { Timeout = TimeSpan.FromMinutes(3), OnOutputLine = _ => ticking.TrySetResult() });
        await ticking.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var node = _cluster.Run("squeue", "-h", "-j", session.Job!.Value.ToString(), "-o", "%N").Output.Trim();
        Assert.Matches("^n[12]$", node);

        Assert.Equal(0, _cluster.KillNode(node).ExitCode);

        var error = await Assert.ThrowsAsync<GuestException>(() => running.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(ErrorCodes.SlurmJobEnded, error.Code);
        Assert.Contains("NODE_FAIL", error.Message);
        Assert.Empty(_cluster.Queue());
        Assert.Empty(guest.Jobs);
    }

    [Fact]
    public async Task A_node_killed_under_a_package_of_a_run_has_it_retried_on_the_other_node()
    {
        using var dir = new TempDirectory();
        var site = await TestSite.ArchiveAsync(dir.Combine("packages"),
            new TestPackage("nk-base", "(provide one) (define one 1)"),
            new TestPackage("nk-user", "(require nk-base) (module+ test (unless (= one 1) (error 'nk-user \"wrong\")))", "nk-base"),
            new TestPackage("nk-fails", "(module+ test (error 'nk-fails \"fails on purpose\"))"),
            new TestPackage("nk-victim", "(module+ test (sleep 20))"));
        var warnings = new List<PkgBuildException>();
        await using var guest = new SlurmGuestMachine(GuestSpec.Parse("cluster", new Dictionary<string, string>
        {
            ["Kind"] = "Slurm", ["SharedDir"] = _shared.Path, ["Parallelism"] = "2",
        }), w => { lock (warnings) { warnings.Add(w); } }, _cluster.ClientEnvironment);
        await guest.PreflightAsync();
        await guest.StartAsync();
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(dir.Combine("results")),
            StateDirectory = dir.Combine("runs"),
            SiteDirectory = site,
            InfrastructureRetries = 1,
        };
        var siteUri = await guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
        var clock = Stopwatch.StartNew();
        var run = new PkgBuildRun(settings, [new RunGuest(guest, siteUri, "raco")], _ => { }).RunAsync(new RunSelection { Scope = RunScope.All }, CancellationToken.None);

        // The victim's job, running on its node for a few seconds (installing, or in its tests' sleep): kill that node.
        var victim = $"pkgbuild.{guest.BuildId}.nk-victim";
        string[]? running = null;
        while (running == null && !run.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            running = _cluster.Run("squeue", "-h", "-o", "%i|%j|%T|%N").Output.Split('\n', StringSplitOptions.TrimEntries)
                .Select(l => l.Split('|')).FirstOrDefault(f => f is [_, var name, "RUNNING", _] && name == victim);
            await Task.Delay(100);
        }
        Assert.NotNull(running);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (firstJob, node) = (running[0], running[3]);
        var killedAt = clock.Elapsed;
        Assert.Equal(0, _cluster.KillNode(node).ExitCode);
        var other = node == "n1" ? "n2" : "n1";

        var summary = await run.WaitAsync(TimeSpan.FromMinutes(5));
        var total = clock.Elapsed;

        Assert.Equal([("nk-base", PackageOutcome.Success), ("nk-fails", PackageOutcome.TestFailure), ("nk-user", PackageOutcome.Success), ("nk-victim", PackageOutcome.Success)],
            summary.Results.OrderBy(r => r.Package, StringComparer.Ordinal).Select(r => (r.Package, r.Outcome)));
        // Retried once: its first job failed with the node, the second completed on the other node.
        var victimJobs = await SlurmGuestTests.EventuallyAsync(() => _cluster.Completed().Where(j => j.Name == victim).ToList(), l => l.Count >= 2);
        Assert.Equal([(firstJob, node, "NODE_FAIL"), (victimJobs[1].Id, other, "COMPLETED")], victimJobs.Select(j => (j.Id, j.Nodes, j.State)));
        // Each result says how often a node failed under it (the victim once; another package on that node too).
        var prefix = $"pkgbuild.{guest.BuildId}.";
        var nodeFailed = _cluster.Completed().Where(j => j.State == "NODE_FAIL" && j.Name.StartsWith(prefix, StringComparison.Ordinal))
            .GroupBy(j => j.Name[prefix.Length..]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, nodeFailed["nk-victim"]);
        Assert.Contains("PKB0638", Assert.Single(summary.Results.Single(r => r.Package == "nk-victim").InfrastructureFailures!));
        Assert.All(summary.Results, r => Assert.True((r.InfrastructureFailures?.Count ?? 0) >= nodeFailed.GetValueOrDefault(r.Package), r.Package));
        var excluded = Assert.Single(warnings, w => w.Code == ErrorCodes.SlurmNodeExcluded);
        Assert.Contains($"node {node} failed job", excluded.Message);
        // Every job of the build that started after the node's failure was known went to the other node.
        Assert.All(_cluster.Completed().Where(j => j.Name.StartsWith($"pkgbuild.{guest.BuildId}.", StringComparison.Ordinal) && j.State == "COMPLETED"
            && long.Parse(j.Id) > long.Parse(victimJobs[1].Id)), j => Assert.Equal(other, j.Nodes));
        Assert.DoesNotContain(_cluster.QueueOnceSettled(), l => l.Contains($"pkgbuild.{guest.BuildId}.", StringComparison.Ordinal));
        Assert.Empty(guest.Jobs);
        output.WriteLine($"node-kill run: killed {node} at {killedAt.TotalSeconds:F1} s, run done at {total.TotalSeconds:F1} s");
        Assert.Equal(0, _cluster.RestartNode(node).ExitCode);
    }
}
