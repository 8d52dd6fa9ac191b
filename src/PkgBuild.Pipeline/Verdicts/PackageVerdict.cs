using System.Text.Json.Serialization;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>One package's verdict, with both sides' results and what the report shows about it.</summary>
public sealed record PackageVerdict
{
    public required string Package { get; init; }

    public required Verdict Verdict { get; init; }

    public required PackageResult Modified { get; init; }

    /// <summary>Null when the baseline does not have the package (<see cref="Verdict.New"/>).</summary>
    public PackageResult? Baseline { get; init; }

    /// <summary>For <see cref="Verdict.BlockedByRegression"/>: the regressed dependency at the root.</summary>
    public string? RootCause { get; init; }

    /// <summary>How many packages depend on this one, transitively: what a regression here can break.</summary>
    public int Impact { get; init; }

    /// <summary>The outcomes of the confirmation runs, modified and baseline, in order (empty when none ran).</summary>
    public IReadOnlyList<ConfirmRun> Confirmations { get; init; } = [];

    /// <summary>The first line where the modified log departs from the baseline log, when both exist.</summary>
    public LogDivergence? Divergence { get; init; }

    public string? Author => Modified.Author ?? Baseline?.Author;
}

/// <summary>One confirmation: the package built and tested again on each side.</summary>
public sealed record ConfirmRun(PackageOutcome Modified, PackageOutcome Baseline)
{
    /// <summary>
    /// Failed where the recorded run got past (<see cref="VerdictRules.Spoils"/>), even after retries: the
    /// machine's doing, not evidence either way, so not counted (and not kept). Written only when true.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Spoiled { get; init; }

    /// <summary>The logs of the run with the change, relative to the results (<c>confirm/modified-&lt;n&gt;/logs/…</c>).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> ModifiedLogs { get; init; } = [];

    /// <summary>The logs of the run without it; none when the baseline is a recorded summary (it is not run again).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> BaselineLogs { get; init; } = [];

    // Written only when there are some, so a confirmation without logs keeps its one-line shape.
    [JsonPropertyName("modifiedLogs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public IReadOnlyList<string>? ModifiedLogsWritten { get => ModifiedLogs.Count > 0 ? ModifiedLogs : null; init => ModifiedLogs = value ?? []; }

    [JsonPropertyName("baselineLogs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public IReadOnlyList<string>? BaselineLogsWritten { get => BaselineLogs.Count > 0 ? BaselineLogs : null; init => BaselineLogs = value ?? []; }
}
