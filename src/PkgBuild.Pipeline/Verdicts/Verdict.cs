namespace PkgBuild.Pipeline.Verdicts;

/// <summary>What a change did to one package, comparing its result with the change (modified) to its result without (baseline).</summary>
public enum Verdict
{
    /// <summary>Passed without the change, fails with it, every time it was run again.</summary>
    Regressed,

    /// <summary>Failed without the change, passes with it.</summary>
    Fixed,

    StillFailing,

    StillPassing,

    /// <summary>Not in the baseline.</summary>
    New,

    /// <summary>A timeout or an infrastructure failure on either side: says nothing about the change.</summary>
    Spurious,

    /// <summary>Looked like a regression, but the results changed from run to run.</summary>
    Flaky,

    /// <summary>Blocked with the change by a dependency that regressed: counted under that dependency, not as its own regression.</summary>
    BlockedByRegression,
}
