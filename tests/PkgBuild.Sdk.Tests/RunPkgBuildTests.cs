using System.Diagnostics;
using System.Text.RegularExpressions;
using PkgBuild.Testing;
using PkgBuild.Testing.Git;
using PkgBuild.Testing.MSBuild;
using PkgBuild.Testing.Racket;
using PkgBuild.Testing.Sdk;
using PkgBuild.Testing.Slurm;
using PkgBuild.Testing.Ssh;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// RunPkgBuild through `dotnet build -bl` on the quickstart sample, with the real racket in isolated
/// Local guests and the fork served by a real git daemon: results package by package, nothing redone
/// when nothing changed, nothing rebuilt when the override goes (the baseline built those inputs), and a
/// killed build resumed without losing or redoing a finished package.
/// </summary>
public sealed partial class RunPkgBuildTests
{
    /// <summary>samples/quickstart/README.md's table, the fork column, as item metadata spells it (docs/outcomes.md).</summary>
    private static readonly Dictionary<string, string> WithTheFork = new()
    {
        ["qs-base"] = "success",
        ["qs-app"] = "test-failure",
        ["qs-cli"] = "success",
        ["qs-text"] = "install-failure",
        ["qs-report"] = "blocked-by-dependency",
        ["qs-math-ext"] = "success",
        ["qs-stats"] = "success",
        ["qs-standalone"] = "success",
        ["qs-hang"] = "timeout",
        ["qs-undeclared"] = "dependency-problem",
        ["qs-broken"] = "install-failure",
        ["qs-needs-broken"] = "blocked-by-dependency",
        ["qs-flaky"] = "test-failure", // its coin comes up tails in the run named "modified"
    };

    /// <summary>The fork against the packages without it (PkgBuildBaseline=Run), after the confirmation runs, as item metadata spells it.</summary>
    private static readonly Dictionary<string, string> Verdicts = new()
    {
        ["qs-base"] = "still-passing",
        ["qs-app"] = "regressed",
        ["qs-cli"] = "still-passing",
        ["qs-text"] = "regressed",
        ["qs-report"] = "blocked-by-regression",
        ["qs-math-ext"] = "still-passing",
        ["qs-stats"] = "still-passing",
        ["qs-standalone"] = "still-passing",
        ["qs-hang"] = "spurious",
        ["qs-undeclared"] = "still-failing",
        ["qs-broken"] = "still-failing",
        ["qs-needs-broken"] = "still-failing",
        ["qs-flaky"] = "flaky",
    };

    /// <summary>qs-base and what depends on it, transitively: what a change to the override must redo.</summary>
    private static readonly string[] QsBaseAndDependents = ["qs-app", "qs-base", "qs-cli", "qs-flaky", "qs-math-ext", "qs-report", "qs-stats", "qs-text"];

    [Fact]
    public void The_quickstart_gives_each_package_its_result_and_verdict_then_redoes_nothing_then_takes_the_baseline_results_without_the_fork()
    {
        using var daemon = new GitDaemon();
        MakeFork(daemon);
        using var workspace = SdkWorkspace.FromSample("quickstart");
        var fork = $"-p:QuickstartFork={daemon.UrlOf("qs-base.git")}";

        var first = workspace.Build("pkgbuild.proj", fork, "-p:PkgBuildTestTimeout=15");

        Assert.True(first.Succeeded, first.ToString());
        var results = first.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Result"));
        Assert.Equal(WithTheFork.OrderBy(p => p.Key), results.OrderBy(p => p.Key));
        var items = first.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec);
        Assert.Equal("qs-text", items["qs-report"].GetMetadata("BlockedBy"));
        Assert.Equal("qs-broken", items["qs-needs-broken"].GetMetadata("BlockedBy"));
        Assert.Equal("test", items["qs-hang"].GetMetadata("Step"));
        Assert.Equal("test", items["qs-base"].GetMetadata("Step")); // a success is decided by the last step that ran
        Assert.Equal("", items["qs-report"].GetMetadata("Step"));
        // 13 with the change, then the 8 the change reaches without it (the other 5 have the same inputs).
        Assert.Equal(21, ProgressLines(first).Count);

        // Verdicts: the regressions confirmed, the flaky one found out, the blocked one under its root.
        var verdicts = first.OutputItems("PkgBuildVerdict").ToDictionary(i => i.ItemSpec);
        Assert.Equal(Verdicts.OrderBy(p => p.Key), verdicts.ToDictionary(v => v.Key, v => v.Value.GetMetadata("Verdict")).OrderBy(p => p.Key));
        Assert.Equal("qs-text", verdicts["qs-report"].GetMetadata("RootCause"));
        Assert.Equal("1", verdicts["qs-app"].GetMetadata("Impact")); // qs-cli
        Assert.Equal("test-failure/success;test-failure/success", verdicts["qs-app"].GetMetadata("Confirmations"));
        Assert.Equal("success/success;success/success", verdicts["qs-flaky"].GetMetadata("Confirmations"));
        var flaky = Assert.Single(first.Warnings, w => w.Code == "PKB0803");
        Assert.StartsWith("qs-flaky ", flaky.Message);
        Assert.Empty(first.Errors); // the quickstart sets PkgBuildFailOnRegression=false
        var markdown = File.ReadAllText(workspace.PathOf("results", "report.md"));
        Assert.Matches(@"^\*\*2 regressed, [^*]* of 13\*\*", markdown.Split('\n').First(l => l.Contains(" of 13**", StringComparison.Ordinal)));
        Assert.Contains("**qs-text**: install failure (was success); 1 package(s) depend on it; blocks qs-report", markdown);
        // Both pages start with what was tested: the override, the commit its rev resolved to, the Racket.
        var source = $"{daemon.UrlOf("qs-base.git")}?path=qs-base";
        Assert.Matches($"^## pkg-build: what the change does\n\n\\*\\*Change:\\*\\* override \\*\\*qs-base\\*\\* → `{Regex.Escape(source)}` rev `main` at commit `[0-9a-f]{{40}}` \\(qs-base\\)  \n"
            + "\\*\\*Racket:\\*\\* Preinstalled: Local racket 8\\.7 ", markdown);
        var html = File.ReadAllText(workspace.PathOf("results", "report.html"));
        var tested = html.IndexOf("<section id=\"tested\">", StringComparison.Ordinal);
        Assert.InRange(tested, html.IndexOf("</h1>", StringComparison.Ordinal), html.IndexOf("<form", StringComparison.Ordinal));
        Assert.Matches($"override <b>qs-base</b>: <code>{Regex.Escape(System.Net.WebUtility.HtmlEncode(source))}</code> rev <code>main</code> at commit <code class=\"commit\">[0-9a-f]{{40}}</code>", html);
        Assert.Contains("<li class=\"racket\">Racket: Preinstalled: Local racket 8.7 ", html);
        // The confirmation runs' logs are linked: why qs-flaky is flaky is one click away.
        Assert.Contains("<a href=\"confirm/modified-1/logs/qs-flaky/test.txt\">test</a>", html);
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(workspace.PathOf("results", "results.json"))))
        {
            Assert.Equal(13, json.RootElement.GetProperty("verdicts").GetArrayLength());
            Assert.Equal(2, json.RootElement.GetProperty("counts").GetProperty("regressed").GetInt32());
            Assert.Matches("^[0-9a-f]{40}$", json.RootElement.GetProperty("tested").GetProperty("overrides")[0].GetProperty("commit").GetString());
            Assert.Equal("preinstalled", json.RootElement.GetProperty("tested").GetProperty("racket").GetProperty("kind").GetString());
        }
        // Someone sent only the binlog sees why: the report, and the regressed packages' logs on both sides, are in it.
        var embedded = first.Tree.SourceFiles.ToDictionary(f => f.FullPath, f => f.Text);
        Assert.Equal(markdown, embedded[workspace.PathOf("results", "report.md")]);
        Assert.Contains("join-words", embedded[workspace.PathOf("results", "logs", "qs-text", "install.txt")]);
        Assert.True(embedded.ContainsKey(workspace.PathOf("results", "logs", "qs-app", "test.txt")));
        Assert.True(embedded.ContainsKey(workspace.PathOf("results", "baseline", "logs", "qs-app", "test.txt")));
        Assert.True(embedded.ContainsKey(workspace.PathOf("results", "confirm", "modified-1", "logs", "qs-flaky", "test.txt")));
        Assert.True(embedded.ContainsKey(workspace.PathOf("results", "catalog-edits.md")));
        Assert.DoesNotContain(embedded.Keys, k => k.Contains("/logs/qs-base/", StringComparison.Ordinal)); // still passing: not why anything
        ReportInChromium(workspace);

        // The summary is pkg-build's shape, read by Racket's own reader.
        var summary = workspace.PathOf("results", "summary.rktd");
        var read = RacketRunner.Run("racket", ["-e",
            "(define s (call-with-input-file (vector-ref (current-command-line-arguments) 0) read))"
            + "(printf \"~a ~a ~a ~a\" (hash-count s) (hash-ref (hash-ref s \"qs-app\") 'test-failure-log)"
            + " (hash-ref (hash-ref s \"qs-text\") 'failure-log) (hash-ref (hash-ref s \"qs-undeclared\") 'dep-failure-log))", summary]);
        Assert.Equal("13 logs/qs-app/test.txt logs/qs-text/install.txt logs/qs-undeclared/check-deps.txt", read.Trim());
        Assert.Contains("undeclared dependency", File.ReadAllText(workspace.PathOf("results", "logs", "qs-undeclared", "check-deps.txt")));
        Assert.Contains("join-words", File.ReadAllText(workspace.PathOf("results", "logs", "qs-text", "install.txt")));

        var second = workspace.Build("pkgbuild.proj", fork, "-p:PkgBuildTestTimeout=15");

        Assert.True(second.Succeeded, second.ToString());
        Assert.Empty(ProgressLines(second));
        // Nothing changed (the fork's branch was asked again and had not moved): the last run's report is
        // given again, every result and verdict with it, and no site is served, no guest started.
        Assert.Contains(second.Messages, m => m.StartsWith("RunPkgBuild: nothing changed since the last build", StringComparison.Ordinal));
        Assert.DoesNotContain("ServeSite", second.TargetsRun);
        Assert.DoesNotContain("StartVm", second.TargetsRun);
        Assert.Equal(13, second.OutputItems("PkgBuildPackageResult").Count);
        Assert.Equal(
            first.OutputItems("PkgBuildPackageResult").Select(i => $"{i.ItemSpec} {i.GetMetadata("Result")} {i.GetMetadata("TestLog")} {i.GetMetadata("Finished")}"),
            second.OutputItems("PkgBuildPackageResult").Select(i => $"{i.ItemSpec} {i.GetMetadata("Result")} {i.GetMetadata("TestLog")} {i.GetMetadata("Finished")}"));
        Assert.Equal(13, second.OutputItems("PkgBuildVerdict").Count);
        // PKB0803 for qs-flaky again; the summary (PKB0711) says whose results these are.
        Assert.Equal(first.Warnings.Where(w => w.Code != "PKB0711").Select(w => (w.Code, w.Message)), second.Warnings.Where(w => w.Code != "PKB0711").Select(w => (w.Code, w.Message)));
        Assert.Contains("Regressed: qs-app, qs-text.", Assert.Single(first.Warnings, w => w.Code == "PKB0711").Message); // by impact, then name
        Assert.Contains("These are the last build's results", Assert.Single(second.Warnings, w => w.Code == "PKB0711").Message);
        Assert.DoesNotContain(second.Messages, m => m.Contains("confirming", StringComparison.Ordinal));

        // A log the report links to is gone: the run is done again (the journal still has every result).
        File.Delete(workspace.PathOf("results", "logs", "qs-app", "test.txt"));
        var relog = workspace.Build("pkgbuild.proj", fork, "-p:PkgBuildTestTimeout=15");
        Assert.True(relog.Succeeded, relog.ToString());
        Assert.Contains("StartVm", relog.TargetsRun);
        Assert.True(File.Exists(workspace.PathOf("results", "logs", "qs-app", "test.txt")));

        // Failures are results, not a broken build, unless the project asks (CI).
        var strict = workspace.Build("pkgbuild.proj", fork, "-p:PkgBuildTestTimeout=15", "-p:PkgBuildFailOnPackageFailure=true");
        Assert.False(strict.Succeeded);
        var failed = Assert.Single(strict.Errors);
        Assert.Equal("PKB0702", failed.Code);
        Assert.Equal(workspace.PathOf("pkgbuild.proj"), failed.File); // the project, not Sdk.targets
        Assert.StartsWith("8 of 13 package(s) failed", failed.Message);
        Assert.Empty(ProgressLines(strict));

        // Back to the original library: the baseline side built it and its dependents with exactly these
        // inputs, so their results are taken over and nothing is built again.
        var third = workspace.Build("pkgbuild.proj", "-p:PkgBuildTestTimeout=15");

        Assert.True(third.Succeeded, third.ToString());
        Assert.Empty(ProgressLines(third));
        var after = third.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Result"));
        Assert.True(File.Exists(workspace.PathOf("results", "logs", "qs-base", "test.txt")));
        Assert.All(QsBaseAndDependents.Where(p => p != "qs-flaky"), p => Assert.Equal("success", after[p]));
        Assert.Equal("timeout", after["qs-hang"]); // kept from the first build
    }

    [Fact]
    public void The_quickstart_compared_with_a_recorded_pkg_build_summary_gets_a_verdict_for_each_package()
    {
        // A summary.rktd in pkg-build's shape (server/built/... logs, docs, conflicts-log), written by hand for this test:
        // qs-app's tests failed there, qs-standalone is not in it, qs-undeclared had a dependency problem, qs-broken and
        // qs-needs-broken failed to build; everything else succeeded.
        var recorded = Path.Combine(RepositoryPaths.TestData("PkgBuild.Sdk.Tests"), "quickstart-baseline-summary.rktd");
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var build = workspace.Build("pkgbuild.proj", $"-p:PkgBuildBaseline={recorded}", "-p:PkgBuildTestTimeout=15");

        Assert.True(build.Succeeded, build.ToString()); // no regression
        var verdicts = build.OutputItems("PkgBuildVerdict").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Verdict"));
        Assert.Equal(new Dictionary<string, string>
        {
            ["qs-app"] = "fixed",
            ["qs-standalone"] = "new",
            ["qs-flaky"] = "flaky", // failed in the run named "modified", passed on both confirmation runs
            ["qs-hang"] = "spurious",
            ["qs-undeclared"] = "still-failing",
            ["qs-broken"] = "still-failing",
            ["qs-needs-broken"] = "still-failing",
            ["qs-base"] = "still-passing",
            ["qs-cli"] = "still-passing",
            ["qs-text"] = "still-passing",
            ["qs-report"] = "still-passing",
            ["qs-math-ext"] = "still-passing",
            ["qs-stats"] = "still-passing",
        }.OrderBy(p => p.Key), verdicts.OrderBy(p => p.Key));
        var confirmed = build.OutputItems("PkgBuildVerdict").Single(i => i.ItemSpec == "qs-flaky");
        Assert.Equal("success/success;success/success", confirmed.GetMetadata("Confirmations")); // the recorded side is not run again
        Assert.Contains(recorded, File.ReadAllText(workspace.PathOf("results", "report.md")));
    }

    [Fact]
    public void A_build_killed_in_the_middle_of_RunPkgBuild_loses_no_finished_package_and_redoes_none()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");
        var journal = workspace.PathOf("obj", "pkgbuild", "runs", "journal.jsonl");
        string[] arguments = ["-p:PkgBuildTestTimeout=15", "-p:QuickstartParallelism=1"];

        // Started as a user would, and the build process (MSBuild runs in it) killed with SIGKILL once three
        // packages are done: its sandboxes must die with it, by themselves.
        using (var build = workspace.StartBuild("pkgbuild.proj", arguments))
        {
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (FinishedIn(journal).Count < 3)
            {
                Assert.True(DateTime.UtcNow < deadline, "three packages did not finish within 5 minutes");
                Assert.False(build.HasExited, "the build ended before it could be killed");
                Thread.Sleep(100);
            }
            build.Kill(entireProcessTree: false);
            build.WaitForExit();
        }
        var finished = FinishedIn(journal);
        Assert.InRange(finished.Count, 3, 12);
        Assert.Empty(LeftoverSandboxes(workspace.Root));

        var resumed = workspace.Build("pkgbuild.proj", arguments);

        Assert.True(resumed.Succeeded, resumed.ToString());
        var redone = ProgressLines(resumed).Select(l => l.Package).ToList();
        Assert.Empty(redone.Intersect(finished));
        Assert.Equal(13, resumed.OutputItems("PkgBuildPackageResult").Count);
        Assert.Equal(13, FinishedIn(journal).Count);
        Assert.Empty(LeftoverSandboxes(workspace.Root));

        // An edit to a package's directory (a source with no checksum) is archived again and redoes that package only.
        File.AppendAllText(workspace.PathOf("packages", "qs-standalone", "main.rkt"), "\n;; edited\n");
        var edited = workspace.Build("pkgbuild.proj", arguments);
        Assert.True(edited.Succeeded, edited.ToString());
        Assert.Contains("BuildInstallers", edited.TargetsRun);
        Assert.Equal(["qs-standalone"], ProgressLines(edited).Select(l => l.Package));
    }

    [Fact]
    public void An_Ssh_guest_in_a_network_namespace_gives_the_quickstart_the_same_results_as_the_Local_guest()
    {
        using var daemon = new GitDaemon();
        MakeFork(daemon);
        using var ns = NetworkNamespace.Create();
        using var sshd = SshServer.Start(SshServerOptions.In(ns));
        using var guestDirs = new GuestDirectories();
        using var workspace = SdkWorkspace.FromSample("quickstart");
        // The sample's Local guest replaced by an SSH guest that reaches the site only through the reverse forward.
        var project = workspace.PathOf("pkgbuild.proj");
        var local = """<PkgBuildGuest Include="local" Kind="Local" Parallelism="$(QuickstartParallelism)" />""";
        var text = File.ReadAllText(project);
        Assert.Contains(local, text);
        File.WriteAllText(project, text.Replace(local,
            $"""<PkgBuildGuest Include="ns" Kind="Ssh" Host="{sshd.Host}" Port="{sshd.Port}" User="{sshd.User}" IdentityFile="{sshd.ClientKeyPath}" KnownHostsFile="{sshd.KnownHostsPath}" Dir="{guestDirs.Next()}" Parallelism="2" />"""));

        // No baseline: the comparison is the Local test's; here the same results are the point.
        var build = workspace.Build("pkgbuild.proj", $"-p:QuickstartFork={daemon.UrlOf("qs-base.git")}", "-p:PkgBuildTestTimeout=15", "-p:PkgBuildBaseline=");

        Assert.True(build.Succeeded, build.ToString());
        var results = build.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Result"));
        Assert.Equal(WithTheFork.OrderBy(p => p.Key), results.OrderBy(p => p.Key));
        Assert.All(build.OutputItems("PkgBuildPackageResult").Where(i => i.GetMetadata("Result") != "blocked-by-dependency"), i => Assert.Equal("ns", i.GetMetadata("Guest")));
        var install = File.ReadAllText(workspace.PathOf("results", "logs", "qs-app", "install.txt"));
        Assert.True(install.Contains(" via http://localhost:18333/", StringComparison.Ordinal), install);
    }

    [Fact]
    public void The_quickstart_on_a_two_node_Slurm_cluster_gives_the_Local_results_and_verdicts_with_each_package_a_job()
    {
        using var daemon = new GitDaemon();
        MakeFork(daemon);
        // As eng/quickstart.sh --slurm starts it: one CPU a node, so the two packages at a time use both nodes.
        using var cluster = SlurmCluster.Start(settings: new Dictionary<string, string?> { ["SLURM_CLUSTER_CPUS"] = "1" });
        using var shared = new TempDirectory("pkgbuild-slurm-shared");
        using var workspace = SdkWorkspace.FromSample("quickstart");
        foreach (var (key, value) in cluster.ClientEnvironment)
        {
            workspace.BuildEnvironment[key] = value;
        }

        // The sample as eng/quickstart.sh --slurm builds it, with the baseline run: verdicts are compared too.
        var build = workspace.Build("pkgbuild.proj", $"-p:QuickstartFork={daemon.UrlOf("qs-base.git")}", "-p:PkgBuildTestTimeout=15",
            "-p:QuickstartGuest=Slurm", $"-p:QuickstartSharedDir={shared.Path}");

        Assert.True(build.Succeeded, build.ToString());
        var results = build.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Result"));
        Assert.Equal(WithTheFork.OrderBy(p => p.Key), results.OrderBy(p => p.Key));
        var verdicts = build.OutputItems("PkgBuildVerdict").ToDictionary(i => i.ItemSpec);
        Assert.Equal(Verdicts.OrderBy(p => p.Key), verdicts.ToDictionary(v => v.Key, v => v.Value.GetMetadata("Verdict")).OrderBy(p => p.Key));
        Assert.Equal("test-failure/success;test-failure/success", verdicts["qs-app"].GetMetadata("Confirmations"));
        Assert.Equal("success/success;success/success", verdicts["qs-flaky"].GetMetadata("Confirmations"));
        Assert.All(build.OutputItems("PkgBuildPackageResult").Where(i => i.GetMetadata("Result") != "blocked-by-dependency"), i => Assert.Equal("cluster", i.GetMetadata("Guest")));

        // Every package that was built (all but qs-needs-broken, blocked on both sides; qs-report is blocked
        // only with the fork) had its sessions as jobs named after it, of this one build, on both nodes.
        var jobs = cluster.Completed().Where(j => j.Name.StartsWith("pkgbuild.", StringComparison.Ordinal)).ToList();
        var buildId = Assert.Single(jobs.Select(j => j.Name.Split('.')[1]).Distinct());
        var packageJobs = jobs.Select(j => (Package: j.Name[$"pkgbuild.{buildId}.".Length..], j.Nodes, j.State)).Where(j => WithTheFork.ContainsKey(j.Package)).ToList();
        Assert.Equal(WithTheFork.Keys.Where(p => p != "qs-needs-broken").Order(StringComparer.Ordinal), packageJobs.Select(j => j.Package).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["n1", "n2"], packageJobs.Select(j => j.Nodes).Distinct().Order(StringComparer.Ordinal));
        // One job per session: 11 packages built with the fork and 8 without it, then qs-app's, qs-text's and
        // qs-flaky's two confirmation rounds on each side; each ended by the SDK, COMPLETED (qs-hang's too).
        Assert.True(packageJobs.Count == 11 + 8 + 3 * 2 * 2, string.Join("\n", packageJobs));
        Assert.All(packageJobs, j => Assert.Equal("COMPLETED", j.State));
        Assert.Empty(cluster.QueueOnceSettled());
    }

    [Fact]
    public void A_build_on_a_Slurm_guest_stopped_with_Ctrl_C_or_killed_leaves_no_job_in_the_queue()
    {
        using var cluster = SlurmCluster.Start(settings: new Dictionary<string, string?> { ["SLURM_CLUSTER_CPUS"] = "1" });
        using var shared = new TempDirectory("pkgbuild-slurm-shared");
        using var workspace = SdkWorkspace.FromSample("quickstart");
        foreach (var (key, value) in cluster.ClientEnvironment)
        {
            workspace.BuildEnvironment[key] = value;
        }
        var packages = WithTheFork.Keys.ToHashSet(StringComparer.Ordinal);
        string[] arguments = ["-p:QuickstartGuest=Slurm", $"-p:QuickstartSharedDir={shared.Path}", "-p:PkgBuildTestTimeout=15"];

        // Ctrl+C cancels every job the build submitted; a build killed outright cannot, and its jobs end by themselves.
        foreach (var signal in new[] { "INT", "KILL" })
        {
            using var build = workspace.StartBuild("pkgbuild.proj", arguments);
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!cluster.Queue().Any(l => l.Split(' ') is [_, var name] && name.Split('.') is ["pkgbuild", _, var package] && packages.Contains(package)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no package job ran within 5 minutes ({signal})");
                Assert.False(build.HasExited, $"the build ended before a package job ran ({signal}):\n{Dotnet.OutputOf(build)}");
                Thread.Sleep(200);
            }
            Assert.Equal(0, ProcessRunner.Run("kill", [$"-{signal}", build.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode);
            Assert.True(build.WaitForExit(TimeSpan.FromMinutes(2)), $"the build did not stop after SIG{signal}");
            build.WaitForExit(); // the last of its output
            Assert.True(build.ExitCode != 0, $"SIG{signal}: the build exited 0:\n{Dotnet.OutputOf(build)}");
            // A killed build's jobs end by themselves: each holder's stdin closes, its task exits, and slurmd then
            // ends the job's steps (SIGTERM, SIGKILL after KillWait), which on a loaded machine keeps it COMPLETING a while.
            var left = cluster.QueueOnceSettled(TimeSpan.FromSeconds(signal == "KILL" ? 120 : 30));
            Assert.True(left.Count == 0, $"SIG{signal}: jobs left in the queue:\n{cluster.Run("squeue", "-h", "-o", "%i|%j|%T|%r|%N|%k").Output}\n"
                + string.Concat(Directory.GetFiles(Path.Combine(cluster.StateDirectory, "log"), "slurmd-*.log").Select(f => $"{f}:\n{string.Join("\n", File.ReadLines(f).TakeLast(15))}\n"))
                + Dotnet.OutputOf(build));
        }
    }

    /// <summary>
    /// The report in the real headless Chromium: it renders every verdict, and its filters (set through
    /// the address, as a shared link would) hide what they should. The screenshot is kept as an artifact.
    /// </summary>
    private static void ReportInChromium(SdkWorkspace workspace)
    {
        var report = new Uri(workspace.PathOf("results", "report.html")).AbsoluteUri;
        string Dom(string hash)
        {
            var run = ProcessRunner.Run("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", report + hash], workspace.Root, null, TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, run.Output);
            return run.Output;
        }
        IReadOnlyList<string> Shown(string dom) =>
            Row().Matches(dom).Where(m => !m.Groups[2].Value.Contains("hidden", StringComparison.Ordinal)).Select(m => m.Groups[1].Value).ToList();

        var all = Dom("#verdict=regressed,blocked-by-regression,flaky,spurious,fixed,new,still-failing,still-passing");
        Assert.Equal(13, Shown(all).Count);
        Assert.Contains("13 shown", all);
        Assert.Equal(["qs-app", "qs-text"], Shown(Dom("#verdict=regressed")));
        Assert.Equal(["qs-text"], Shown(Dom("#verdict=regressed&name=text")));
        Assert.Empty(Shown(Dom("#verdict=regressed&author=nobody@example.org")));
        // Without a filter in the address: everything but what still passes.
        Assert.Equal(8, Shown(Dom("")).Count);

        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        var screenshot = Path.Combine(artifacts, "quickstart-report.png");
        File.Delete(screenshot);
        var shot = ProcessRunner.Run("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,1000",
            $"--screenshot={screenshot}", report], workspace.Root, null, TimeSpan.FromMinutes(2));
        Assert.True(File.Exists(screenshot) && new FileInfo(screenshot).Length > 10_000, shot.Output);
    }

    [GeneratedRegex("<tr id=\"([^\"]+)\" class=\"[^\"]*\"([^>]*)>")]
    private static partial Regex Row();

    private static void MakeFork(GitDaemon daemon)
    {
        var script = Path.Combine(RepositoryPaths.Samples, "quickstart", "make-fork-repo.sh");
        var made = ProcessRunner.Run(script, [Path.Combine(daemon.BaseDir, "qs-base.git")], RepositoryPaths.Root, null, TimeSpan.FromMinutes(1));
        Assert.True(made.ExitCode == 0, made.Output);
    }

    private static List<(string Package, string Result)> ProgressLines(BuildResult build) =>
        build.Messages.Select(m => Progress().Match(m)).Where(m => m.Success).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    /// <summary>The packages the journal has a complete line for.</summary>
    private static List<string> FinishedIn(string journal)
    {
        if (!File.Exists(journal))
        {
            return [];
        }
        using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var text = new StreamReader(stream).ReadToEnd();
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return JournalPackage().Matches(complete).Select(m => m.Groups[1].Value).Distinct().ToList();
    }

    /// <summary>bwrap processes whose command line names this workspace: guests a killed build left running.</summary>
    private static List<int> LeftoverSandboxes(string root)
    {
        // --die-with-parent ends a sandbox when its parent dies; give the kernel a moment to deliver it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var left = Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit))
                .Where(pid => CommandLine(pid) is { } line && line.Contains("bwrap", StringComparison.Ordinal) && line.Contains(root, StringComparison.Ordinal))
                .Select(int.Parse).ToList();
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }
            Thread.Sleep(200);
        }
    }

    private static string? CommandLine(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^RunPkgBuild: \[\d+/\d+\] ([A-Za-z0-9_-]+): ([^(]+?) \(")]
    private static partial Regex Progress();

    [GeneratedRegex("\"package\":\"([A-Za-z0-9_-]+)\"")]
    private static partial Regex JournalPackage();
}
