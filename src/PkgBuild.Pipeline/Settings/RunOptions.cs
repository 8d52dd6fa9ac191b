using System.Globalization;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Settings;

/// <summary>What <c>PkgBuildBaseline</c> asks for: no verdicts, a baseline run in this build, or a pkg-build summary to compare with.</summary>
public enum BaselineKind
{
    None,
    Run,
    Summary,
}

/// <summary><c>PkgBuildBaseline</c>, parsed once: <c>Run</c> is a word, anything else a summary.rktd's path or URL.</summary>
public sealed record BaselineChoice(BaselineKind Kind, string? Summary)
{
    public const string RunWord = "Run";

    public static BaselineChoice None { get; } = new(BaselineKind.None, null);

    public bool IsNone => Kind == BaselineKind.None;

    public bool IsRun => Kind == BaselineKind.Run;

    /// <summary>A summary that has to be fetched: its content can only be known by asking.</summary>
    public bool IsRemote => Summary != null && new[] { "http:", "https:", "file:" }.Any(s => Summary.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    public static BaselineChoice Parse(string? text) => text?.Trim() switch
    {
        null or "" => None,
        var t when string.Equals(t, RunWord, StringComparison.OrdinalIgnoreCase) => new(BaselineKind.Run, null),
        var t => new(BaselineKind.Summary, t),
    };

    /// <summary>As <see cref="RunSettings.Baseline"/> spells it.</summary>
    public string? Text => Kind switch { BaselineKind.Run => RunWord, BaselineKind.Summary => Summary, _ => null };
}

/// <summary>
/// The properties a run reads, parsed once from the text MSBuild passes: the settings check before the
/// first step and RunPkgBuild both call <see cref="Parse"/>, so a bad value is refused before any step
/// runs, with one code and one text. Every value comes from the project or Sdk.props, where the defaults
/// are; an empty value means what the property's documentation says (no <c>--jobs</c>, say), never a
/// default of its own here.
/// </summary>
public sealed record RunOptions
{
    public const string ConfirmRunsProperty = "PkgBuildConfirmRuns";
    public const string InstallTimeoutProperty = "PkgBuildInstallTimeout";
    public const string TestTimeoutProperty = "PkgBuildTestTimeout";
    public const string SilenceTimeoutProperty = "PkgBuildSilenceTimeout";
    public const string MaxLogSizeProperty = "PkgBuildMaxLogSize";
    public const string InfraRetriesProperty = "PkgBuildInfraRetries";
    public const string JobsProperty = "PkgBuildJobs";
    public const string ScopeProperty = "PkgBuildScope";
    public const string BaselineProperty = "PkgBuildBaseline";
    public const string RacketProperty = "PkgBuildRacket";

    /// <summary>The one value <c>PkgBuildRacket</c> takes: the guests already have Racket.</summary>
    public const string Preinstalled = "Preinstalled";

    public required int ConfirmRuns { get; init; }

    public required TimeSpan InstallTimeout { get; init; }

    public required TimeSpan TestTimeout { get; init; }

    /// <summary>Null when <c>PkgBuildSilenceTimeout</c> is 0: no limit.</summary>
    public required TimeSpan? SilenceTimeout { get; init; }

    public required long MaxLogBytes { get; init; }

    public required int InfrastructureRetries { get; init; }

    /// <summary>Null when empty: raco setup chooses, as under pkg-build.</summary>
    public required int? Jobs { get; init; }

    public required RunScope Scope { get; init; }

    public required BaselineChoice Baseline { get; init; }

    public required bool UsesPreinstalled { get; init; }

    /// <param name="value">The property's text, as the project (or Sdk.props) gives it.</param>
    /// <param name="where">Where the property is set, for the error.</param>
    public static RunOptions Parse(Func<string, string> value, Func<string, SourceLocation> where)
    {
        long Number(string property, long min, long max)
        {
            var text = value(property).Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            {
                throw Invalid(property, $"'{text}' is not a whole number from {min} to {max}", where);
            }
            return n;
        }
        TimeSpan Seconds(string property) => TimeSpan.FromSeconds(Number(property, 1, 7 * 24 * 3600));
        var racket = value(RacketProperty).Trim();
        if (racket.Length > 0 && !string.Equals(racket, Preinstalled, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(RacketProperty, $"'{racket}' is not {Preinstalled} (leave it empty when the guests get Racket from an installer)", where);
        }
        return new RunOptions
        {
            ConfirmRuns = (int)Number(ConfirmRunsProperty, 0, 20),
            InstallTimeout = Seconds(InstallTimeoutProperty),
            TestTimeout = Seconds(TestTimeoutProperty),
            SilenceTimeout = value(SilenceTimeoutProperty).Trim() == "0" ? null : Seconds(SilenceTimeoutProperty),
            MaxLogBytes = Number(MaxLogSizeProperty, 1024, long.MaxValue),
            InfrastructureRetries = (int)Number(InfraRetriesProperty, 0, 10),
            Jobs = value(JobsProperty).Trim().Length == 0 ? null : (int)Number(JobsProperty, 1, 256),
            Scope = value(ScopeProperty).Trim() switch
            {
                "All" => RunScope.All,
                "Dependents" => RunScope.Dependents,
                var s => throw Invalid(ScopeProperty, $"'{s}' is neither All nor Dependents", where),
            },
            Baseline = BaselineChoice.Parse(value(BaselineProperty)),
            UsesPreinstalled = racket.Length > 0,
        };
    }

    /// <summary>PKB0401, said once: no Racket was chosen for the guests.</summary>
    public static PkgBuildException RacketNotChosen(SourceLocation where) =>
        new(ErrorCodes.RacketNotChosen,
            "Say which Racket the guests use: PkgBuildInstaller (an installer's path or URL), PkgBuildSnapshotUrl with PkgBuildInstallerPlatformName, "
            + "PkgBuildRacketRepo (a racket/racket checkout to build installers from), or PkgBuildRacket=Preinstalled when they already have it.", where);

    private static PkgBuildException Invalid(string property, string problem, Func<string, SourceLocation> where) =>
        new(ErrorCodes.InvalidProperty, $"{property}: {problem}.", where(property));
}
