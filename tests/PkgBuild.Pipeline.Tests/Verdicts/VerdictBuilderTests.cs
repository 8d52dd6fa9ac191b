using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Pipeline.Verdicts;
using static PkgBuild.Pipeline.Tests.Verdicts.Outcomes;

namespace PkgBuild.Pipeline.Tests.Verdicts;

public sealed class VerdictBuilderTests
{
    /// <summary>
    /// zcore &lt;- mid &lt;- app, zcore &lt;- tool; wobbly &lt;- wobbly-user; plus packages on their own.
    /// zcore regressed (confirmed) and blocks mid, app and tool; wobbly looked regressed but a
    /// confirmation passed, so wobbly-user, blocked by it, says nothing.
    /// </summary>
    private static readonly PackageGraph Graph = Graphs.Of(

        ("zcore", []),
        ("mid", ["zcore"]),
        ("app", ["mid"]),
        ("tool", ["zcore", "base"]),
        ("wobbly", []),
        ("wobbly-user", ["wobbly"]),
        ("aaa-not-run-again", []),
        ("slow", []),
        ("healed", []),
        ("fresh", []),
        ("broken", []),
        ("broken-user", ["broken"]),
        ("fine", []),
        ("gone-infra", []));

    private static readonly Dictionary<string, PackageResult> Modified = Side(
        R("zcore", TestFail, author: "core@example.org"),
        R("mid", Blocked, blockedBy: "zcore"),
        R("app", Blocked, blockedBy: "zcore"),
        R("tool", Blocked, blockedBy: "zcore"),
        R("wobbly", InstallFail),
        R("wobbly-user", Blocked, blockedBy: "wobbly"),
        R("aaa-not-run-again", DepFail),
        R("slow", TimedOut),
        R("healed", Pass),
        R("fresh", TestFail),
        R("broken", InstallFail),
        R("broken-user", Blocked, blockedBy: "broken"),
        R("fine", Pass),
        R("gone-infra", Infra));

    private static readonly Dictionary<string, PackageResult> Baseline = Side(
        R("zcore", Pass),
        R("mid", Pass),
        R("app", Pass),
        R("tool", Pass),
        R("wobbly", Pass),
        R("wobbly-user", Pass),
        R("aaa-not-run-again", Pass),
        R("slow", Pass),
        R("healed", TestFail),
        R("broken", InstallFail),
        R("broken-user", Blocked, blockedBy: "broken"),
        R("fine", Pass),
        R("gone-infra", Pass));

    private static readonly Dictionary<string, IReadOnlyList<ConfirmRun>> Confirmations = new(StringComparer.Ordinal)
    {
        ["zcore"] = [new ConfirmRun(TestFail, Pass), new ConfirmRun(TestFail, Pass)],
        ["wobbly"] = [new ConfirmRun(InstallFail, Pass), new ConfirmRun(Pass, Pass)],
    };

    private static IReadOnlyList<PackageVerdict> Build(Func<PackageResult, PackageResult, LogDivergence?>? divergence = null) =>
        VerdictBuilder.Build(Graph, Modified, Baseline, Confirmations, divergence);

    private static Dictionary<string, PackageVerdict> ByName(IReadOnlyList<PackageVerdict> verdicts) =>
        verdicts.ToDictionary(v => v.Package, StringComparer.Ordinal);

    [Fact]
    public void Every_package_with_the_change_gets_one_verdict()
    {
        var verdicts = Build();

        Assert.Equal(Modified.Keys.Order(StringComparer.Ordinal), verdicts.Select(v => v.Package).Order(StringComparer.Ordinal));
        Assert.All(verdicts, v => Assert.Same(Modified[v.Package], v.Modified));
        Assert.All(verdicts, v => Assert.Same(Baseline.GetValueOrDefault(v.Package), v.Baseline));
    }

    [Fact]
    public void A_candidate_whose_confirmations_all_reproduce_is_regressed()
    {
        var zcore = ByName(Build())["zcore"];

        Assert.Equal(Verdict.Regressed, zcore.Verdict);
        Assert.Equal(Confirmations["zcore"], zcore.Confirmations);
        Assert.Equal("core@example.org", zcore.Author);
        Assert.Null(zcore.RootCause);
    }

    [Fact]
    public void A_candidate_with_a_confirmation_that_does_not_reproduce_is_flaky()
    {
        var wobbly = ByName(Build())["wobbly"];

        Assert.Equal(Verdict.Flaky, wobbly.Verdict);
        Assert.Equal(Confirmations["wobbly"], wobbly.Confirmations);
    }

    [Fact]
    public void A_candidate_that_was_not_confirmed_stays_regressed()
    {
        var unconfirmed = ByName(Build())["aaa-not-run-again"];

        Assert.Equal(Verdict.Regressed, unconfirmed.Verdict);
        Assert.Empty(unconfirmed.Confirmations);
    }

    [Fact]
    public void Packages_blocked_by_a_regressed_root_are_counted_under_the_root_not_as_regressions()
    {
        var verdicts = Build();
        var byName = ByName(verdicts);

        foreach (var blocked in new[] { "mid", "app", "tool" })
        {
            Assert.Equal(Verdict.BlockedByRegression, byName[blocked].Verdict);
            Assert.Equal("zcore", byName[blocked].RootCause);
        }
        Assert.Equal(["aaa-not-run-again", "zcore"], verdicts.Where(v => v.Verdict == Verdict.Regressed).Select(v => v.Package).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_package_blocked_by_a_root_that_is_not_a_confirmed_regression_is_spurious()
    {
        var byName = ByName(Build());

        Assert.Equal(Verdict.Spurious, byName["wobbly-user"].Verdict);
        Assert.NotEqual(Verdict.BlockedByRegression, byName["wobbly-user"].Verdict);
    }

    [Fact]
    public void A_package_blocked_by_a_root_outside_the_results_is_spurious()
    {
        var verdicts = VerdictBuilder.Build(Graphs.Of(("lib", []), ("user", ["lib"])),
            Side(R("user", Blocked, blockedBy: "lib")), Side(R("user", Pass)), new Dictionary<string, IReadOnlyList<ConfirmRun>>());

        Assert.Equal(Verdict.Spurious, Assert.Single(verdicts).Verdict);
    }

    [Fact]
    public void A_blocked_package_that_was_blocked_before_too_is_still_failing()
    {
        var byName = ByName(Build());

        Assert.Equal(Verdict.StillFailing, byName["broken-user"].Verdict);
        Assert.Null(byName["broken-user"].RootCause);
        Assert.Equal(Verdict.StillFailing, byName["broken"].Verdict);
    }

    [Fact]
    public void The_other_verdicts_follow_the_rules()
    {
        var byName = ByName(Build());

        Assert.Equal(Verdict.Spurious, byName["slow"].Verdict);
        Assert.Equal(Verdict.Spurious, byName["gone-infra"].Verdict);
        Assert.Equal(Verdict.Fixed, byName["healed"].Verdict);
        Assert.Equal(Verdict.New, byName["fresh"].Verdict);
        Assert.Null(byName["fresh"].Baseline);
        Assert.Equal(Verdict.StillPassing, byName["fine"].Verdict);
    }

    [Fact]
    public void Impact_is_the_number_of_transitive_dependents()
    {
        var byName = ByName(Build());

        Assert.Equal(3, byName["zcore"].Impact); // mid, app, tool
        Assert.Equal(1, byName["mid"].Impact); // app
        Assert.Equal(0, byName["app"].Impact);
        Assert.Equal(1, byName["wobbly"].Impact);
        Assert.Equal(1, byName["broken"].Impact); // broken-user
        Assert.Equal(0, byName["aaa-not-run-again"].Impact);
    }

    [Fact]
    public void Impact_follows_cycles_without_counting_the_package_itself_and_is_zero_outside_the_graph()
    {
        var graph = Graphs.Of(("a", ["b"]), ("b", ["a"]), ("c", ["a"]));
        var verdicts = ByName(VerdictBuilder.Build(graph, Side(R("a", TestFail), R("b", Pass), R("c", Pass), R("stray", TestFail)),
            Side(R("a", Pass), R("b", Pass), R("c", Pass), R("stray", Pass)), new Dictionary<string, IReadOnlyList<ConfirmRun>>()));

        Assert.Equal(2, verdicts["a"].Impact); // b, c
        Assert.Equal(2, verdicts["b"].Impact); // a, c
        Assert.Equal(0, verdicts["c"].Impact);
        Assert.Equal(0, verdicts["stray"].Impact);
    }

    [Fact]
    public void Verdicts_are_ordered_by_what_needs_a_person_first()
    {
        var verdicts = Build();

        Assert.Equal(
        [
            "zcore", "aaa-not-run-again", // regressed, by impact (3, 0) before name
            "mid", "app", "tool", // blocked by a regression: mid has a dependent, then by name
            "wobbly", // flaky
            "gone-infra", "slow", "wobbly-user", // spurious
            "healed", // fixed
            "fresh", // new
            "broken", "broken-user", // still failing, by impact
            "fine", // still passing
        ], verdicts.Select(v => v.Package));
        var ranks = verdicts.Select(v => v.Verdict).ToList();
        Assert.Equal(
        [
            Verdict.Regressed, Verdict.Regressed, Verdict.BlockedByRegression, Verdict.BlockedByRegression, Verdict.BlockedByRegression,
            Verdict.Flaky, Verdict.Spurious, Verdict.Spurious, Verdict.Spurious, Verdict.Fixed, Verdict.New,
            Verdict.StillFailing, Verdict.StillFailing, Verdict.StillPassing,
        ], ranks);
    }

    [Fact]
    public void The_log_divergence_is_asked_with_baseline_then_modified_and_not_for_unchanged_or_new_packages()
    {
        var asked = new List<(string Baseline, string Modified)>();
        var verdicts = ByName(Build((b, m) =>
        {
            Assert.Same(Baseline[b.Package], b);
            Assert.Same(Modified[m.Package], m);
            asked.Add((b.Package, m.Package));
            return m.Package == "zcore" ? new LogDivergence(4, "error here", "all good") : null;
        }));

        Assert.Equal(new LogDivergence(4, "error here", "all good"), verdicts["zcore"].Divergence);
        Assert.DoesNotContain(asked, a => a.Modified is "fine" or "fresh");
        Assert.Contains(asked, a => a.Modified == "zcore");
        Assert.All(asked, a => Assert.Equal(a.Baseline, a.Modified));
        Assert.Null(verdicts["fine"].Divergence);
    }

    [Fact]
    public void Candidates_are_the_unblocked_packages_that_passed_without_the_change_and_fail_for_real_with_it()
    {
        var candidates = VerdictBuilder.Candidates(Modified, Baseline);

        // Not mid/app/tool/wobbly-user (blocked), slow/gone-infra (spurious), fresh (new), healed, broken, fine.
        Assert.Equal(["aaa-not-run-again", "wobbly", "zcore"], candidates);
    }

    [Fact]
    public void Candidates_exclude_a_failure_whose_baseline_was_spurious()
    {
        var candidates = VerdictBuilder.Candidates(Side(R("a", TestFail), R("b", InstallFail), R("c", TestFail)), Side(R("a", TimedOut), R("b", Infra), R("c", Pass)));

        Assert.Equal(["c"], candidates);
    }

    [Fact]
    public void A_candidate_whose_every_confirmation_the_machine_spoiled_is_unconfirmed_and_what_it_blocks_is_spurious()
    {
        var verdicts = ByName(VerdictBuilder.Build(Graphs.Of(("lib", []), ("user", ["lib"])),
            Side(R("lib", TestFail), R("user", Blocked, blockedBy: "lib")), Side(R("lib", Pass), R("user", Pass)),
            new Dictionary<string, IReadOnlyList<ConfirmRun>>(StringComparer.Ordinal)
            {
                ["lib"] = [new ConfirmRun(Infra, Pass), new ConfirmRun(TestFail, Pass) { Spoiled = true }],
            }));

        Assert.Equal(Verdict.Unconfirmed, verdicts["lib"].Verdict);
        Assert.Equal(Verdict.Spurious, verdicts["user"].Verdict);
    }
}
