using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// What the reports show of a run: every selected package's result with the change, and, with a baseline,
/// every package's verdict and what it was compared with; and what was tested.
/// </summary>
public sealed record RunResults
{
    public required IReadOnlyList<PackageResult> Results { get; init; }

    /// <summary>Null without a baseline.</summary>
    public IReadOnlyList<PackageVerdict>? Verdicts { get; init; }

    /// <summary>What the verdicts compare with, in words (a summary's path, or the run's own baseline side).</summary>
    public string? BaselineName { get; init; }

    /// <summary>The packages the Racket under test has (name, checksum): listed as given.</summary>
    public IReadOnlyDictionary<string, string> Provided { get; init; } = new Dictionary<string, string>();

    /// <summary>The failed packages with the change, grouped by first error.</summary>
    public IReadOnlyList<FailureGroup> FailureGroups => PkgBuild.Pipeline.Verdicts.FailureGroups.Of(Results);

    /// <summary>With a baseline: for each verdict, its failed packages grouped by first error (empty without one).</summary>
    public IReadOnlyList<(Verdict Verdict, IReadOnlyList<FailureGroup> Groups)> VerdictFailureGroups =>
        Verdicts is { } verdicts ? PkgBuild.Pipeline.Verdicts.FailureGroups.Of(verdicts) : [];

    /// <summary>What was tested (the overrides, the Racket, the catalogs, the guests, the date); null when not known.</summary>
    public RunHeader? Header { get; init; }

    public static RunResults Plain(IReadOnlyList<PackageResult> results, IReadOnlyDictionary<string, string>? provided = null) =>
        new() { Results = results, Provided = provided ?? new Dictionary<string, string>() };

    public static RunResults Compared(IReadOnlyList<PackageVerdict> verdicts, string baselineName, IReadOnlyDictionary<string, string>? provided = null) =>
        new() { Results = verdicts.Select(v => v.Modified).ToList(), Verdicts = verdicts, BaselineName = baselineName, Provided = provided ?? new Dictionary<string, string>() };
}
