using System.Text.Json;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Results;

/// <summary>
/// The one table per enum of what its values are called (<see cref="OutcomeTerms"/>, <see cref="VerdictTerms"/>):
/// every value once, each spelling and label its own, spellings as the JSON files always had them, and
/// docs/outcomes.md saying the same.
/// </summary>
public sealed partial class TermsTests
{
    [Theory]
    [InlineData(PackageOutcome.Success, "success", "success")]
    [InlineData(PackageOutcome.TestFailure, "test-failure", "test failure")]
    [InlineData(PackageOutcome.DependencyProblem, "dependency-problem", "dependency problem")]
    [InlineData(PackageOutcome.DependencyCheckFailure, "dependency-check-failure", "dependency check failure")]
    [InlineData(PackageOutcome.InstallFailure, "install-failure", "install failure")]
    [InlineData(PackageOutcome.BlockedByDependency, "blocked-by-dependency", "blocked by a dependency")]
    [InlineData(PackageOutcome.Timeout, "timeout", "timeout")]
    [InlineData(PackageOutcome.InfrastructureFailure, "infrastructure-failure", "infrastructure failure")]
    public void Each_outcome_has_its_spelling_and_label(PackageOutcome outcome, string spelling, string label)
    {
        Assert.Equal(spelling, outcome.Spelling());
        Assert.Equal(label, outcome.Label());
        Assert.True(OutcomeTerms.Terms.TryParse(spelling, out var parsed));
        Assert.Equal(outcome, parsed);
    }

    [Theory]
    [InlineData(Verdict.Regressed, "regressed", "regressed")]
    [InlineData(Verdict.Fixed, "fixed", "fixed")]
    [InlineData(Verdict.StillFailing, "still-failing", "still failing")]
    [InlineData(Verdict.ChangedFailure, "changed-failure", "changed failure")]
    [InlineData(Verdict.StillPassing, "still-passing", "still passing")]
    [InlineData(Verdict.New, "new", "new")]
    [InlineData(Verdict.Spurious, "spurious", "spurious")]
    [InlineData(Verdict.Flaky, "flaky", "flaky")]
    [InlineData(Verdict.BlockedByRegression, "blocked-by-regression", "blocked by a regression")]
    public void Each_verdict_has_its_spelling_and_label(Verdict verdict, string spelling, string label)
    {
        Assert.Equal(spelling, verdict.Spelling());
        Assert.Equal(label, verdict.Label());
        Assert.True(VerdictTerms.Terms.TryParse(spelling, out var parsed));
        Assert.Equal(verdict, parsed);
    }

    [Fact]
    public void Every_outcome_has_exactly_one_entry_and_spellings_and_labels_are_unique() => OneEntryEach(OutcomeTerms.Terms);

    [Fact]
    public void Every_verdict_has_exactly_one_entry_and_spellings_and_labels_are_unique() => OneEntryEach(VerdictTerms.Terms);

    private static void OneEntryEach<T>(Terms<T> terms)
        where T : struct, Enum
    {
        Assert.All(Enum.GetValues<T>(), v => Assert.Single(terms.Table, t => t.Value.Equals(v)));
        Assert.Equal(Enum.GetValues<T>().Length, terms.Table.Count);
        Assert.Equal(terms.Table.Count, terms.Table.Select(t => t.Spelling).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(terms.Table.Count, terms.Table.Select(t => t.Label).Distinct(StringComparer.Ordinal).Count());
        Assert.All(terms.Table, t => Assert.Matches("^[a-z]+(-[a-z]+)*$", t.Spelling));
        Assert.All(terms.Table, t => Assert.Matches("^[a-z]+( [a-z]+)*$", t.Label));
        Assert.All(terms.Table, t => Assert.False(string.IsNullOrWhiteSpace(t.Meaning)));
        // What journals and confirmations written before the table hold: they read unchanged.
        Assert.All(terms.Table, t => Assert.Equal(JsonNamingPolicy.KebabCaseLower.ConvertName(t.Value.ToString()), t.Spelling));
    }

    [Fact]
    public void A_table_without_every_value_once_or_with_a_shared_word_is_refused()
    {
        var whole = OutcomeTerms.Terms.Table;
        Assert.Throws<ArgumentException>(() => new Terms<PackageOutcome>([.. whole.Skip(1)]));
        Assert.Throws<ArgumentException>(() => new Terms<PackageOutcome>([.. whole, whole[0]]));
        Assert.Throws<ArgumentException>(() => new Terms<PackageOutcome>([.. whole.Skip(1), whole[0] with { Spelling = whole[1].Spelling }]));
        Assert.Throws<ArgumentException>(() => new Terms<PackageOutcome>([.. whole.Skip(1), whole[0] with { Label = whole[1].Label }]));
    }

    [Fact]
    public void Json_writes_the_spelling_and_reads_it_or_the_name()
    {
        var run = new ConfirmRun(PackageOutcome.BlockedByDependency, PackageOutcome.DependencyCheckFailure);

        var json = JsonSerializer.Serialize(run, ResultJson.Line);

        Assert.Equal("""{"modified":"blocked-by-dependency","baseline":"dependency-check-failure"}""", json);
        Assert.Equal(run, JsonSerializer.Deserialize<ConfirmRun>(json, ResultJson.Line));
        Assert.Equal(run, JsonSerializer.Deserialize<ConfirmRun>("""{"modified":"BlockedByDependency","baseline":"dependencyCheckFailure"}""", ResultJson.Line));
        Assert.Equal("\"still-passing\"", JsonSerializer.Serialize(Verdict.StillPassing, ResultJson.Line));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ConfirmRun>("""{"modified":"blocked","baseline":"success"}""", ResultJson.Line));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ConfirmRun>("""{"modified":"3","baseline":"success"}""", ResultJson.Line));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ConfirmRun>("""{"modified":3,"baseline":"success"}""", ResultJson.Line));
    }

    [Fact]
    public void Docs_outcomes_lists_every_spelling_with_its_label()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "outcomes.md"));
        var rows = Row().Matches(doc).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

        Assert.All(OutcomeTerms.Terms.Table, t => Assert.Equal(t.Label, rows.GetValueOrDefault(t.Spelling)));
        Assert.All(VerdictTerms.Terms.Table, t => Assert.Equal(t.Label, rows.GetValueOrDefault(t.Spelling)));
        Assert.Equal(OutcomeTerms.Terms.Table.Count + VerdictTerms.Terms.Table.Count, rows.Count);
    }

    /// <summary>A table row of docs/outcomes.md: <c>| `spelling` | label | meaning |</c>.</summary>
    [GeneratedRegex(@"^\| `([a-z-]+)` \| ([a-z ]+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
