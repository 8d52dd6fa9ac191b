using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>
/// What a change did to one package, comparing its result with the change (modified) to its result without
/// (baseline); its words are in <see cref="VerdictTerms"/>.
/// </summary>
public enum Verdict
{
    /// <summary>Passed without the change, fails with it, every time it was run again.</summary>
    Regressed,

    /// <summary>Failed without the change, passes with it.</summary>
    Fixed,

    StillFailing,

    /// <summary>Fails on both sides, but at another step or with another first error: the change changed how it fails.</summary>
    ChangedFailure,

    StillPassing,

    /// <summary>Not in the baseline.</summary>
    New,

    /// <summary>A timeout or an infrastructure failure on either side: says nothing about the change.</summary>
    Spurious,

    /// <summary>Looked like a regression, but the results changed from run to run.</summary>
    Flaky,

    /// <summary>Looked like a regression, but every confirmation run was spoiled by the machine: neither confirmed nor refuted.</summary>
    Unconfirmed,

    /// <summary>Blocked with the change by a dependency that regressed: counted under that dependency, not as its own regression.</summary>
    BlockedByRegression,
}

/// <summary>
/// The one table of what each <see cref="Verdict"/> is called: its spelling for machines (item metadata
/// <c>Verdict</c>, results.json, CSS classes and the report's filter) and its label for people (console,
/// report.html, report.md). The regressed root of a blocked package is never in either: it is in
/// <see cref="PackageVerdict.RootCause"/>. docs/outcomes.md lists the same table.
/// </summary>
/// <remarks>Each spelling is the kebab-case of the value's name, as results.json spelled verdicts before this table.</remarks>
public static class VerdictTerms
{
    public static Terms<Verdict> Terms { get; } = new(
    [
        new(Verdict.Regressed, "regressed", "regressed",
            "Passed without the change, fails with it, and did so on every confirmation run."),
        new(Verdict.Fixed, "fixed", "fixed",
            "Failed without the change, passes with it."),
        new(Verdict.StillFailing, "still-failing", "still failing",
            "Fails on both sides, at the same step with the same first error (or one side's first error is not known)."),
        new(Verdict.ChangedFailure, "changed-failure", "changed failure",
            "Fails on both sides, but at another step or with another first error (compared with paths, times and ids blanked out): both first errors are shown."),
        new(Verdict.StillPassing, "still-passing", "still passing",
            "Passes on both sides."),
        new(Verdict.New, "new", "new",
            "Not in the baseline."),
        new(Verdict.Spurious, "spurious", "spurious",
            "A timeout or an infrastructure failure on either side (or blocked by something that is not a confirmed regression): says nothing about the change."),
        new(Verdict.Flaky, "flaky", "flaky",
            "Looked like a regression, but did not fail with the change and pass without it on every confirmation run (warning PKB0803)."),
        new(Verdict.Unconfirmed, "unconfirmed", "unconfirmed",
            "Looked like a regression, but every confirmation run failed the way a machine fails (a timeout, an infrastructure failure, a failure where the recorded run got past), so none could confirm or refute it (warning PKB0804); the next build runs the confirmations again."),
        new(Verdict.BlockedByRegression, "blocked-by-regression", "blocked by a regression",
            "Blocked with the change by a dependency that regressed (named in `RootCause`): counted under that dependency, not as its own regression."),
    ]);

    /// <summary>How machines read it: <c>still-passing</c>.</summary>
    public static string Spelling(this Verdict verdict) => Terms[verdict].Spelling;

    /// <summary>How people read it: <c>still passing</c>.</summary>
    public static string Label(this Verdict verdict) => Terms[verdict].Label;
}
