using System.Text;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.State;
using PkgBuild.Pipeline.Tests.Execution;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.State;

public sealed class RunJournalTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string JournalPath => _dir.Combine("state", RunJournal.FileName);

    private static PackageResult Result(string package, PackageOutcome outcome = PackageOutcome.Success) => new()
    {
        Package = package,
        Outcome = outcome,
        Step = outcome == PackageOutcome.Success ? StepNames.CheckDeps : StepNames.Install,
        InstallLog = $"logs/{package}/install.txt",
        Author = "ann@example.org",
        Guest = "local",
        Message = "a \"quoted\" message\nwith a newline",
        FirstError = outcome == PackageOutcome.Success ? null : "x/main.rkt:2:15: g: unbound identifier; in: g",
        Elapsed = TimeSpan.FromSeconds(12.5),
        Finished = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
    };

    [Fact]
    public void Recorded_entries_are_read_back_by_the_next_open()
    {
        using (var journal = RunJournal.Open(_dir.Combine("state")))
        {
            Assert.Empty(journal.Entries);
            journal.Record("key-a", Result("qs-a"));
            journal.Record("key-b", Result("qs-b", PackageOutcome.TestFailure));
            journal.Record("key-a2", Result("qs-a", PackageOutcome.InstallFailure));
        }

        using var reopened = RunJournal.Open(_dir.Combine("state"));

        Assert.Equal(0, reopened.DamagedLines);
        Assert.Equal(["qs-a", "qs-b"], reopened.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("key-a2", reopened.Entries["qs-a"].Key);
        Assert.Equal(Result("qs-a", PackageOutcome.InstallFailure), reopened.Entries["qs-a"].Result);
        Assert.Equal(Result("qs-b", PackageOutcome.TestFailure), reopened.Entries["qs-b"].Result);
    }

    [Fact]
    public void Each_record_is_on_disk_when_Record_returns()
    {
        using var journal = RunJournal.Open(_dir.Combine("state"));
        journal.Record("key-a", Result("qs-a"));

        // Read by another opener while the first is still open (a build killed right now).
        using var other = RunJournal.Open(_dir.Combine("state"));

        Assert.Equal("key-a", other.Entries["qs-a"].Key);
    }

    [Fact]
    public void A_torn_last_line_is_counted_and_skipped_and_later_records_stay_readable()
    {
        using (var journal = RunJournal.Open(_dir.Combine("state")))
        {
            journal.Record("key-a", Result("qs-a"));
        }
        var whole = File.ReadAllText(JournalPath);
        File.AppendAllText(JournalPath, whole[..(whole.Length / 2)].Replace("qs-a", "qs-t", StringComparison.Ordinal)); // killed mid-write: no newline

        using (var torn = RunJournal.Open(_dir.Combine("state")))
        {
            Assert.Equal(1, torn.DamagedLines);
            Assert.Equal(["qs-a"], torn.Entries.Keys);
            torn.Record("key-b", Result("qs-b"));
        }

        using var reopened = RunJournal.Open(_dir.Combine("state"));
        Assert.Equal(1, reopened.DamagedLines);
        Assert.Equal(["qs-a", "qs-b"], reopened.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("key-b", reopened.Entries["qs-b"].Key);
        Assert.EndsWith("\n", File.ReadAllText(JournalPath));
    }

    [Theory]
    [InlineData("not json at all\n")]
    [InlineData("{\"key\":\"k\"}\n")]
    [InlineData("{\"key\":\"\",\"result\":{\"package\":\"qs-x\",\"outcome\":\"success\"}}\n")]
    [InlineData("{\"key\":\"k\",\"result\":{\"package\":\"../etc\",\"outcome\":\"success\"}}\n")]
    [InlineData("{\"key\":\"k\",\"result\":{\"package\":\"qs-x\",\"outcome\":\"no-such-outcome\"}}\n")]
    public void A_line_that_is_not_an_entry_is_damaged(string line)
    {
        Directory.CreateDirectory(_dir.Combine("state"));
        File.WriteAllText(JournalPath, line + "{\"key\":\"k\",\"result\":{\"package\":\"qs-ok\",\"outcome\":\"test-failure\"}}\n");

        using var journal = RunJournal.Open(_dir.Combine("state"));

        Assert.Equal(1, journal.DamagedLines);
        Assert.Equal(["qs-ok"], journal.Entries.Keys);
        Assert.Equal(PackageOutcome.TestFailure, journal.Entries["qs-ok"].Result.Outcome);
    }

    [Fact]
    public void A_journal_an_older_version_wrote_reads_with_each_success_at_the_last_step_that_ran()
    {
        // As the version before PackageResult.Step meant "the step that decided" for successes too wrote them:
        // every success at "install", outcomes in the same spellings.
        Directory.CreateDirectory(_dir.Combine("state"));
        File.WriteAllText(JournalPath, string.Join("\n",
            """{"key":"k1","result":{"package":"qs-tested","outcome":"success","installLog":"logs/qs-tested/install.txt","testLog":"logs/qs-tested/test.txt","step":"install","guest":"local","elapsed":"00:00:12.5000000","finished":"2024-05-06T07:08:09+00:00"}}""",
            """{"key":"k2","result":{"package":"qs-untested","outcome":"success","installLog":"logs/qs-untested/install.txt","step":"install","guest":"local","elapsed":"00:00:01","finished":"2024-05-06T07:08:09+00:00"}}""",
            """{"key":"k3","result":{"package":"qs-broken","outcome":"install-failure","installLog":"logs/qs-broken/install.txt","step":"install","elapsed":"00:00:01","finished":"2024-05-06T07:08:09+00:00"}}""",
            """{"key":"k4","result":{"package":"qs-blocked","outcome":"blocked-by-dependency","blockedBy":"qs-broken","message":"its dependency qs-broken did not install (install failure)","elapsed":"00:00:00","finished":"2024-05-06T07:08:09+00:00"}}""",
            """{"key":"k5","result":{"package":"qs-slow","outcome":"timeout","installLog":"logs/qs-slow/install.txt","step":"install","elapsed":"00:10:00","finished":"2024-05-06T07:08:09+00:00"}}""",
            """{"key":"k6","result":{"package":"qs-undeclared","outcome":"dependency-problem","installLog":"logs/qs-undeclared/install.txt","testLog":"logs/qs-undeclared/test.txt","dependencyLog":"logs/qs-undeclared/check-deps.txt","step":"check-deps","elapsed":"00:00:03","finished":"2024-05-06T07:08:09+00:00"}}""",
            """{"key":"k7","result":{"package":"qs-odd","outcome":"dependency-check-failure","installLog":"logs/qs-odd/install.txt","dependencyLog":"logs/qs-odd/check-deps.txt","step":"check-deps","message":"x: oops","elapsed":"00:00:03","finished":"2024-05-06T07:08:09+00:00"}}""") + "\n");

        using var journal = RunJournal.Open(_dir.Combine("state"));

        Assert.Equal(0, journal.DamagedLines);
        string? Step(string package) => journal.Entries[package].Result.Step;
        Assert.Equal(StepNames.Test, Step("qs-tested"));
        Assert.Equal(StepNames.CheckDeps, Step("qs-untested"));
        Assert.Equal(StepNames.Install, Step("qs-broken"));
        Assert.Null(Step("qs-blocked"));
        Assert.Equal(StepNames.Install, Step("qs-slow"));
        Assert.False(journal.Entries["qs-slow"].Result.Installed); // a timeout installing still blocks its dependents
        Assert.Equal(StepNames.CheckDeps, Step("qs-undeclared"));
        Assert.Equal(PackageOutcome.BlockedByDependency, journal.Entries["qs-blocked"].Result.Outcome);
        Assert.Equal("qs-broken", journal.Entries["qs-blocked"].Result.BlockedBy);
        Assert.Equal(PackageOutcome.DependencyCheckFailure, journal.Entries["qs-odd"].Result.Outcome);
        Assert.Equal(["k1", "k2", "k3", "k4", "k5", "k6", "k7"], journal.Entries.Values.Select(e => e.Key).Order(StringComparer.Ordinal)); // kept: nothing is redone for it
        Assert.Equal(TimeSpan.FromSeconds(12.5), journal.Entries["qs-tested"].Result.Elapsed);
    }

    [Fact]
    public void Outcomes_are_written_in_their_spelling()
    {
        using (var journal = RunJournal.Open(_dir.Combine("state")))
        {
            journal.Record("key-a", Result("qs-a", PackageOutcome.BlockedByDependency) with { BlockedBy = "qs-b", Step = null });
        }

        Assert.Contains("\"outcome\":\"blocked-by-dependency\",", File.ReadAllText(JournalPath));
        Assert.Contains("\"blockedBy\":\"qs-b\"", File.ReadAllText(JournalPath));
    }

    [Fact]
    public void Compact_keeps_only_the_given_packages_one_line_each()
    {
        using (var journal = RunJournal.Open(_dir.Combine("state")))
        {
            journal.Record("key-a1", Result("qs-a", PackageOutcome.InstallFailure));
            journal.Record("key-b", Result("qs-b"));
            journal.Record("key-a2", Result("qs-a"));
            journal.Record("key-gone", Result("qs-gone"));
            journal.Record("key-a3", Result("qs-a", PackageOutcome.TestFailure));
            journal.Compact(p => p != "qs-gone");
            Assert.Equal(["qs-a", "qs-b"], journal.Entries.Keys.Order(StringComparer.Ordinal));
        }

        var lines = File.ReadAllLines(JournalPath, Encoding.UTF8);
        Assert.Equal(2, lines.Length);
        Assert.Single(lines, l => l.Contains("\"qs-a\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("qs-gone", StringComparison.Ordinal));
        using var reopened = RunJournal.Open(_dir.Combine("state"));
        Assert.Equal(0, reopened.DamagedLines);
        Assert.Equal("key-a3", reopened.Entries["qs-a"].Key);
        Assert.Equal(PackageOutcome.TestFailure, reopened.Entries["qs-a"].Result.Outcome);
        Assert.Equal("key-b", reopened.Entries["qs-b"].Key);
    }

    [Fact]
    public void Records_after_a_compaction_are_appended_to_the_compacted_journal()
    {
        using (var journal = RunJournal.Open(_dir.Combine("state")))
        {
            journal.Record("key-a", Result("qs-a"));
            journal.Record("key-a", Result("qs-a"));
            journal.Compact(_ => true);
            journal.Record("key-b", Result("qs-b"));
        }

        Assert.Equal(2, File.ReadAllLines(JournalPath).Length);
        using var reopened = RunJournal.Open(_dir.Combine("state"));
        Assert.Equal(["qs-a", "qs-b"], reopened.Entries.Keys.Order(StringComparer.Ordinal));
    }
}
