using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>The scheduler with a fake build: no guests, only the order, blocking, retries and slots.</summary>
public sealed class RunSchedulerTests
{
    /// <summary>Long enough that only a hang reaches it.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private static readonly IReadOnlyDictionary<string, PackageResult> NoneKnown = new Dictionary<string, PackageResult>();

    private static PackageResult Result(string package, PackageOutcome outcome = PackageOutcome.Success, string? step = StepNames.Install) =>
        new() { Package = package, Outcome = outcome, Step = step };

    /// <summary>A fake build that records what ran, in order, and how many ran at once.</summary>
    private sealed class FakeBuild(Func<string, int, CancellationToken, Task<PackageResult>> body)
    {
        private readonly object _gate = new();
        private int _running;

        public List<string> Events { get; } = [];

        public List<(string Package, int Slot)> Started { get; } = [];

        public int MaxRunning { get; private set; }

        public int Calls(string package)
        {
            lock (_gate)
            {
                return Started.Count(s => s.Package == package);
            }
        }

        public async Task<PackageResult> BuildAsync(string package, int slot, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Events.Add("start " + package);
                Started.Add((package, slot));
                MaxRunning = Math.Max(MaxRunning, ++_running);
            }
            try
            {
                var result = await body(package, slot, cancellationToken);
                lock (_gate)
                {
                    Events.Add("end " + package);
                }
                return result;
            }
            finally
            {
                lock (_gate)
                {
                    _running--;
                }
            }
        }
    }

    private sealed class Finished
    {
        public List<PackageResult> Results { get; } = [];

        public void Add(PackageResult result)
        {
            lock (Results)
            {
                Results.Add(result);
            }
        }

        public PackageResult this[string package] => Results.Single(r => r.Package == package);
    }

    private static async Task<IReadOnlyList<PackageResult>> RunAsync(RunScheduler scheduler, int slots, FakeBuild build, Finished finished,
        CancellationToken cancellationToken = default) =>
        await scheduler.RunAsync(Enumerable.Range(0, slots).ToList(), build.BuildAsync, finished.Add, cancellationToken).WaitAsync(Hang);

    private static RunScheduler Scheduler(PackageGraph graph, IEnumerable<string>? toRun = null, IReadOnlyDictionary<string, PackageResult>? known = null) =>
        new(graph, toRun ?? graph.Packages, known ?? NoneKnown) { InfrastructureRetries = 2 };

    [Theory]
    [InlineData(PackageOutcome.Success)]
    [InlineData(PackageOutcome.InstallFailure)]
    public async Task A_provisional_result_is_given_again_without_a_slot_once_its_dependencies_still_install_and_blocked_when_not(PackageOutcome lib)
    {
        // lib is built again; uses was kept, built on it; app, built again, waits on uses either way.
        var graph = Graphs.Of(("lib", []), ("uses", ["lib"]), ("app", ["uses"]));
        var keptUses = Result("uses", step: StepNames.Test);
        var build = new FakeBuild((p, _, _) => Task.FromResult(Result(p, p == "lib" ? lib : PackageOutcome.Success)));
        var finished = new Finished();
        var scheduler = new RunScheduler(graph, ["lib", "uses", "app"], new Dictionary<string, PackageResult> { ["uses"] = keptUses })
        {
            InfrastructureRetries = 0,
            Provisional = new Dictionary<string, PackageResult> { ["uses"] = keptUses },
        };

        await RunAsync(scheduler, 2, build, finished);

        Assert.Equal(0, build.Calls("uses"));
        if (lib == PackageOutcome.Success)
        {
            Assert.Same(keptUses, finished["uses"]);
            Assert.Equal(1, build.Calls("app"));
            Assert.Equal(PackageOutcome.Success, finished["app"].Outcome);
        }
        else
        {
            Assert.Equal((PackageOutcome.BlockedByDependency, "lib"), (finished["uses"].Outcome, finished["uses"].BlockedBy));
            Assert.Equal((PackageOutcome.BlockedByDependency, "lib"), (finished["app"].Outcome, finished["app"].BlockedBy));
            Assert.Equal(0, build.Calls("app"));
        }
    }

    [Fact]
    public async Task Every_dependency_finishes_before_a_dependent_starts()
    {
        var graph = Graphs.Of(
            ("hub", ["base"]),
            ("lib1", ["hub"]), ("lib2", ["hub"]), ("lib3", ["hub", "lib1"]), ("lib4", []),
            ("app1", ["lib1", "lib2"]), ("app2", ["lib3", "lib4"]), ("app3", ["app1", "app2", "hub"]),
            ("tool", ["lib4"]), ("alone", []));
        var random = new Random(7);
        var build = new FakeBuild(async (p, _, _) =>
        {
            int delay;
            lock (random)
            {
                delay = random.Next(0, 25);
            }
            await Task.Delay(delay);
            return Result(p);
        });
        var finished = new Finished();

        var results = await RunAsync(Scheduler(graph), 4, build, finished);

        Assert.Equal(graph.Packages.Order(StringComparer.Ordinal), results.Select(r => r.Package).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(PackageOutcome.Success, r.Outcome));
        foreach (var package in graph.Packages)
        {
            Assert.Equal(1, build.Calls(package));
            foreach (var dep in graph.DependenciesOf(package))
            {
                Assert.True(build.Events.IndexOf("end " + dep) < build.Events.IndexOf("start " + package),
                    $"{package} started before its dependency {dep} finished: {string.Join(", ", build.Events)}");
            }
        }
    }

    [Fact]
    public async Task An_install_failure_blocks_its_dependents_transitively_naming_the_root()
    {
        var graph = Graphs.Of(("broken", []), ("needs-broken", ["broken"]), ("needs-needs", ["needs-broken", "fine"]), ("fine", []), ("on-fine", ["fine"]));
        var build = new FakeBuild((p, _, _) => Task.FromResult(p == "broken" ? Result(p, PackageOutcome.InstallFailure) : Result(p)));
        var finished = new Finished();

        var results = await RunAsync(Scheduler(graph), 2, build, finished);

        Assert.Equal(0, build.Calls("needs-broken"));
        Assert.Equal(0, build.Calls("needs-needs"));
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["needs-broken"].Outcome);
        Assert.Equal("broken", finished["needs-broken"].BlockedBy);
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["needs-needs"].Outcome);
        Assert.Equal("broken", finished["needs-needs"].BlockedBy);
        Assert.Contains("needs-broken", finished["needs-needs"].Message);
        Assert.Equal(PackageOutcome.Success, finished["on-fine"].Outcome);
        Assert.Equal(5, results.Count);
    }

    [Theory]
    [InlineData(PackageOutcome.InstallFailure, StepNames.Install, true)]
    [InlineData(PackageOutcome.Timeout, StepNames.Install, true)]
    [InlineData(PackageOutcome.Timeout, StepNames.CheckDeps, false)]
    [InlineData(PackageOutcome.Timeout, StepNames.Test, false)]
    [InlineData(PackageOutcome.TestFailure, StepNames.Test, false)]
    [InlineData(PackageOutcome.DependencyProblem, StepNames.CheckDeps, false)]
    [InlineData(PackageOutcome.DependencyCheckFailure, StepNames.CheckDeps, false)]
    [InlineData(PackageOutcome.InfrastructureFailure, null, true)]
    public async Task A_dependency_blocks_its_dependent_only_when_it_did_not_install(PackageOutcome outcome, string? step, bool blocks)
    {
        var graph = Graphs.Of(("dep", []), ("app", ["dep"]));
        var build = new FakeBuild((p, _, _) => Task.FromResult(p == "dep" ? Result(p, outcome, step) : Result(p)));
        var finished = new Finished();

        await RunAsync(Scheduler(graph), 1, build, finished);

        Assert.Equal(outcome, finished["dep"].Outcome);
        if (blocks)
        {
            Assert.Equal(PackageOutcome.BlockedByDependency, finished["app"].Outcome);
            Assert.Equal("dep", finished["app"].BlockedBy);
            Assert.Equal(0, build.Calls("app"));
        }
        else
        {
            Assert.Equal(PackageOutcome.Success, finished["app"].Outcome);
            Assert.Equal(1, build.Calls("app"));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task An_infrastructure_failure_is_retried_InfrastructureRetries_times_then_reported_once(int retries)
    {
        var graph = Graphs.Of(("flaky", []), ("app", ["flaky"]), ("other", []));
        var build = new FakeBuild((p, _, _) => Task.FromResult(p == "flaky"
            ? Result(p, PackageOutcome.InfrastructureFailure, null) with { Message = "guest lost" }
            : Result(p)));
        var finished = new Finished();

        var results = await RunAsync(new RunScheduler(graph, graph.Packages, NoneKnown) { InfrastructureRetries = retries }, 2, build, finished);

        Assert.Equal(1 + retries, build.Calls("flaky"));
        Assert.Single(finished.Results, r => r.Package == "flaky");
        Assert.Equal(PackageOutcome.InfrastructureFailure, finished["flaky"].Outcome);
        Assert.Equal(retries, finished["flaky"].InfrastructureFailures?.Count ?? 0);
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["app"].Outcome);
        Assert.Equal(1, build.Calls("other"));
        Assert.Equal(3, results.Count);
    }

    [Fact]
    public async Task A_retry_that_succeeds_counts_and_lets_the_dependents_run()
    {
        var graph = Graphs.Of(("flaky", []), ("app", ["flaky"]));
        var attempts = 0;
        var build = new FakeBuild((p, _, _) => Task.FromResult(p == "flaky" && Interlocked.Increment(ref attempts) == 1
            ? Result(p, PackageOutcome.InfrastructureFailure, null) with { Guest = "n1", Message = "node failure" }
            : Result(p)));
        var finished = new Finished();

        await RunAsync(Scheduler(graph), 2, build, finished);

        Assert.Equal(2, build.Calls("flaky"));
        Assert.Equal(PackageOutcome.Success, finished["flaky"].Outcome);
        Assert.Equal(["on n1: node failure"], finished["flaky"].InfrastructureFailures!);
        Assert.Equal("success (retried after 1 infrastructure failure(s))", ConsoleText.Describe(finished["flaky"]));
        Assert.Null(finished["app"].InfrastructureFailures);
        Assert.Equal(PackageOutcome.Success, finished["app"].Outcome);
        Assert.Equal(2, finished.Results.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Both_members_of_a_cycle_run_and_their_dependents_after_them(int slots)
    {
        var graph = Graphs.Of(("a", ["b"]), ("b", ["a"]), ("top", ["a"]));
        var build = new FakeBuild(async (p, _, _) =>
        {
            await Task.Yield();
            return Result(p);
        });
        var finished = new Finished();

        var results = await RunAsync(Scheduler(graph), slots, build, finished);

        Assert.Equal(1, build.Calls("a"));
        Assert.Equal(1, build.Calls("b"));
        Assert.Equal(["a", "b", "top"], results.Select(r => r.Package).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(PackageOutcome.Success, r.Outcome));
        Assert.True(build.Events.IndexOf("end a") < build.Events.IndexOf("start top"));
    }

    [Fact]
    public async Task A_known_result_that_did_not_install_blocks_the_dependents_that_run_now()
    {
        var graph = Graphs.Of(("old-broken", []), ("old-blocked", ["old-root"]), ("old-root", []), ("old-ok", []),
            ("app", ["old-broken"]), ("app2", ["old-blocked"]), ("app3", ["old-ok"]));
        var known = new Dictionary<string, PackageResult>
        {
            ["old-broken"] = Result("old-broken", PackageOutcome.InstallFailure),
            ["old-root"] = Result("old-root", PackageOutcome.InstallFailure),
            ["old-blocked"] = Result("old-blocked", PackageOutcome.BlockedByDependency, null) with { BlockedBy = "old-root" },
            ["old-ok"] = Result("old-ok"),
        };
        var build = new FakeBuild((p, _, _) => Task.FromResult(Result(p)));
        var finished = new Finished();

        await RunAsync(Scheduler(graph, ["app", "app2", "app3"], known), 2, build, finished);

        Assert.Equal(3, finished.Results.Count);
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["app"].Outcome);
        Assert.Equal("old-broken", finished["app"].BlockedBy);
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["app2"].Outcome);
        Assert.Equal("old-root", finished["app2"].BlockedBy);
        Assert.Equal(PackageOutcome.Success, finished["app3"].Outcome);
        Assert.Equal(["app3"], build.Started.Select(s => s.Package));
    }

    [Fact]
    public async Task Packages_blocked_before_anything_runs_are_returned_too()
    {
        // RunAsync "returns them all": also when every package was blocked by a known failure at the start.
        var graph = Graphs.Of(("old-broken", []), ("app", ["old-broken"]));
        var known = new Dictionary<string, PackageResult> { ["old-broken"] = Result("old-broken", PackageOutcome.InstallFailure) };
        var build = new FakeBuild((p, _, _) => Task.FromResult(Result(p)));
        var finished = new Finished();

        var results = await RunAsync(Scheduler(graph, ["app"], known), 1, build, finished);

        Assert.Equal(PackageOutcome.BlockedByDependency, finished["app"].Outcome);
        Assert.Equal(["app"], results.Select(r => r.Package));
    }

    [Fact]
    public async Task Two_slots_build_two_independent_packages_at_once_each_on_its_own_slot()
    {
        var graph = Graphs.Of(("one", []), ("two", []));
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var build = new FakeBuild(async (p, _, _) =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.TrySetResult();
            }
            // Waits for the other one; a scheduler that ran them one after the other gets here after 5 s.
            await Task.WhenAny(bothStarted.Task, Task.Delay(TimeSpan.FromSeconds(5)));
            return Result(p);
        });
        var finished = new Finished();

        await RunAsync(Scheduler(graph), 2, build, finished);

        Assert.Equal(2, build.MaxRunning);
        Assert.Equal(2, build.Started.Select(s => s.Slot).Distinct().Count());
    }

    [Fact]
    public async Task No_more_packages_run_at_once_than_there_are_slots()
    {
        var graph = Graphs.Of(Enumerable.Range(0, 40).Select(i => ($"p{i}", Array.Empty<string>())).ToArray());
        var build = new FakeBuild(async (p, _, _) =>
        {
            await Task.Delay(5);
            return Result(p);
        });
        var finished = new Finished();

        await RunAsync(Scheduler(graph), 3, build, finished);

        Assert.True(build.MaxRunning <= 3, $"{build.MaxRunning} packages ran at once on 3 slots");
        Assert.Equal(40, finished.Results.Count);
    }

    [Fact]
    public async Task Among_ready_packages_the_one_with_the_longest_chain_of_dependents_goes_first()
    {
        var graph = Graphs.Of(("a-leaf", []), ("z-root", []), ("z1", ["z-root"]), ("z2", ["z1"]));
        var build = new FakeBuild((p, _, _) => Task.FromResult(Result(p)));
        var finished = new Finished();

        await RunAsync(Scheduler(graph), 1, build, finished);

        Assert.Equal("z-root", build.Started[0].Package);
    }

    [Fact]
    public async Task Cancelling_stops_handing_out_packages_and_throws()
    {
        var graph = Graphs.Of(("first", []), ("second", ["first"]), ("third", []));
        using var cancel = new CancellationTokenSource();
        var build = new FakeBuild((p, _, _) =>
        {
            cancel.Cancel(); // while the first package builds; it still finishes (ignoring the token)
            return Task.FromResult(Result(p));
        });
        var finished = new Finished();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Scheduler(graph), 1, build, finished, cancel.Token));

        Assert.Single(build.Started);
    }

    [Fact]
    public async Task Cancelling_cancels_the_running_builds_and_throws()
    {
        var graph = Graphs.Of(("slow1", []), ("slow2", []), ("later", ["slow1"]));
        using var cancel = new CancellationTokenSource();
        var running = 0;
        var build = new FakeBuild(async (p, _, token) =>
        {
            if (Interlocked.Increment(ref running) == 2)
            {
                cancel.Cancel();
            }
            await Task.Delay(Timeout.Infinite, token);
            return Result(p);
        });
        var finished = new Finished();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Scheduler(graph), 2, build, finished, cancel.Token));

        Assert.Equal(["slow1", "slow2"], build.Started.Select(s => s.Package).Order(StringComparer.Ordinal));
        Assert.Empty(finished.Results);
    }

    [Fact]
    public async Task Finished_is_called_once_per_package_blocked_ones_included()
    {
        var graph = Graphs.Of(
            ("hub", []), ("broken", ["hub"]), ("flaky", []),
            ("b1", ["broken"]), ("b2", ["b1", "hub"]), ("f1", ["flaky"]), ("ok1", ["hub"]), ("ok2", ["ok1"]),
            ("c1", ["c2"]), ("c2", ["c1", "hub"]));
        var build = new FakeBuild(async (p, _, _) =>
        {
            await Task.Delay(1);
            return p switch
            {
                "broken" => Result(p, PackageOutcome.InstallFailure),
                "flaky" => Result(p, PackageOutcome.InfrastructureFailure, null),
                "ok1" => Result(p, PackageOutcome.TestFailure, StepNames.Test),
                _ => Result(p),
            };
        });
        var finished = new Finished();

        var results = await RunAsync(Scheduler(graph), 3, build, finished);

        Assert.Equal(graph.Packages.Order(StringComparer.Ordinal), finished.Results.Select(r => r.Package).Order(StringComparer.Ordinal));
        Assert.Equal(finished.Results.Select(r => r.Package).Order(StringComparer.Ordinal), results.Select(r => r.Package).Order(StringComparer.Ordinal));
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["b2"].Outcome);
        Assert.Equal("broken", finished["b2"].BlockedBy);
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["f1"].Outcome);
        Assert.Equal(PackageOutcome.Success, finished["ok2"].Outcome);
        Assert.Equal(3, build.Calls("flaky"));
    }

    [Fact]
    public async Task No_slots_is_an_error()
    {
        var scheduler = Scheduler(Graphs.Of(("a", [])));

        await Assert.ThrowsAsync<ArgumentException>(() =>
            scheduler.RunAsync(Array.Empty<int>(), (p, _, _) => Task.FromResult(Result(p)), _ => { }, CancellationToken.None));
    }

    [Fact]
    public async Task A_long_chain_of_successes_runs_in_order()
    {
        const int length = 20_000;
        var graph = Graphs.Chain(length);
        var order = new List<string>();
        var build = new FakeBuild((p, _, _) =>
        {
            order.Add(p);
            return Task.FromResult(Result(p));
        });
        var finished = new Finished();

        await RunAsync(Scheduler(graph), 4, build, finished);

        Assert.Equal(Enumerable.Range(0, length).Select(i => $"p{i}"), order);
    }

    [Fact]
    public async Task A_failure_at_the_root_of_a_100000_chain_blocks_it_all_without_overflowing_the_stack()
    {
        const int length = 100_000;
        var graph = Graphs.Chain(length);
        var build = new FakeBuild((p, _, _) => Task.FromResult(Result(p, p == "p0" ? PackageOutcome.InstallFailure : PackageOutcome.Success)));
        var finished = new Finished();

        await RunAsync(Scheduler(graph), 2, build, finished);

        Assert.Equal(length, finished.Results.Count);
        Assert.Equal(length - 1, finished.Results.Count(r => r.Outcome == PackageOutcome.BlockedByDependency && r.BlockedBy == "p0"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_build_that_throws_ends_the_run_instead_of_hanging_it(bool cancelledOperation)
    {
        // Anything the build function lets out (a guest library's own exception, an HTTP timeout's
        // TaskCanceledException) must end RunAsync, with the exception or with a result for the package;
        // the other slots must not wait for it forever.
        var graph = Graphs.Of(("bad", []), ("app", ["bad"]), ("other", []));
        var build = new FakeBuild(async (p, _, _) =>
        {
            await Task.Yield();
            if (p == "bad")
            {
                throw cancelledOperation ? new TaskCanceledException("request timed out") : new InvalidOperationException("guest library failed");
            }
            return Result(p);
        });
        var finished = new Finished();

        var run = new RunScheduler(graph, graph.Packages, NoneKnown) { InfrastructureRetries = 2 }
            .RunAsync(Enumerable.Range(0, 2).ToList(), build.BuildAsync, finished.Add, CancellationToken.None);
        var ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))) == run;

        Assert.True(ended, "RunAsync still runs 5 s after a build threw");
    }

    [Fact]
    public async Task A_released_package_lets_its_dependents_start_before_its_own_tests_end()
    {
        var graph = Graphs.Of(("lib", []), ("app", ["lib"]), ("tool", ["lib", "broken"]), ("broken", []));
        var libTestsMayEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new List<string>();
        var finished = new Finished();
        var scheduler = Scheduler(graph);

        var run = scheduler.RunAsync<int>([0, 1, 2], async (package, _, installed, _) =>
        {
            lock (events)
            {
                events.Add("start " + package);
            }
            if (package == "broken")
            {
                return Result(package, PackageOutcome.InstallFailure);
            }
            installed();
            installed(); // a second call changes nothing
            if (package == "lib")
            {
                await libTestsMayEnd.Task; // lib's tests go on until app is done
            }
            lock (events)
            {
                events.Add("end " + package);
            }
            if (package == "app")
            {
                libTestsMayEnd.SetResult();
            }
            return Result(package, package == "lib" ? PackageOutcome.TestFailure : PackageOutcome.Success, StepNames.Test);
        }, finished.Add, CancellationToken.None);
        var results = await run.WaitAsync(Hang);

        Assert.True(events.IndexOf("end app") < events.IndexOf("end lib"), string.Join(", ", events));
        Assert.Equal(PackageOutcome.TestFailure, finished["lib"].Outcome); // installed: its dependents were not blocked
        Assert.Equal(PackageOutcome.Success, finished["app"].Outcome);
        Assert.Equal(PackageOutcome.BlockedByDependency, finished["tool"].Outcome); // released by lib, blocked by broken
        Assert.Equal("broken", finished["tool"].BlockedBy);
        Assert.DoesNotContain("start tool", events);
        Assert.Equal(4, results.Count);
        Assert.Equal(4, finished.Results.Count);
    }
}
