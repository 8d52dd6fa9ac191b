using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;

namespace PkgBuild.Pipeline.Planning;

/// <summary>
/// What RunPkgBuild was asked to do, and within which limits (each a PkgBuild* property). No member has a
/// default of its own: the defaults are Sdk.props's, and whoever makes settings says every limit.
/// </summary>
public sealed record RunSettings
{
    /// <summary><c>$(PkgBuildResultsDir)</c>: summary, logs and reports.</summary>
    public required ResultsLayout Results { get; init; }

    /// <summary>The run's own state (the journal) under the work directory.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The list of files the build's binlog embeds (<see cref="BinlogFiles"/>); null outside a build, where there is no binlog.</summary>
    public string? BinlogFilesList { get; init; }

    /// <summary>The served site: the archive (<c>catalog/</c>, <c>pkgs/</c>) and the built packages (<c>built/</c>).</summary>
    public required string SiteDirectory { get; init; }

    /// <summary>The edited catalog (<c>catalog-edited/</c>): every package, also those the archive could not fetch. Null: the site's catalog.</summary>
    public string? EditedCatalogDirectory { get; init; }

    /// <summary><c>PkgBuildBaseline</c>: none, <c>Run</c>, or a pkg-build summary.rktd's path or URL.</summary>
    public required BaselineChoice Baseline { get; init; }

    /// <summary><c>PkgBuildConfirmRuns</c>: how often a candidate regression is run again on both sides.</summary>
    public required int ConfirmRuns { get; init; }

    /// <summary>Which Racket the guests run (a version, or an installer's checksum): part of every package's key.</summary>
    public required string RacketIdentity { get; init; }

    /// <summary>
    /// The packages the guests' Racket has in installation scope (asked of it), with their checksums and
    /// the guests that have them: given, as pkg-build takes its installed list: never selected, built or waited on.
    /// </summary>
    public IReadOnlyDictionary<string, ProvidedPackage> ProvidedPackages { get; init; } = new Dictionary<string, ProvidedPackage>();

    /// <summary><c>PkgBuildRunTests</c>.</summary>
    public required bool RunTests { get; init; }

    /// <summary><c>PkgBuildInstallTimeout</c>: the install of one package, dependencies included.</summary>
    public required TimeSpan InstallTimeout { get; init; }

    /// <summary><c>PkgBuildTestTimeout</c>: all of one package's tests.</summary>
    public required TimeSpan TestTimeout { get; init; }

    /// <summary><c>PkgBuildSilenceTimeout</c>: a step that prints nothing for this long is taken as hung.</summary>
    public required TimeSpan? SilenceTimeout { get; init; }

    /// <summary><c>PkgBuildMaxLogSize</c>: each step's log is cut here.</summary>
    public required long MaxLogBytes { get; init; }

    /// <summary>
    /// <c>PkgBuildJobs</c>: <c>raco setup</c> jobs within one package's install and dependency check
    /// (<c>--jobs</c>). Null: no flag, and raco setup chooses, as it does under pkg-build, whose install
    /// command line has none.
    /// </summary>
    public int? Jobs { get; init; }

    /// <summary>
    /// <c>PkgBuildOneProcessPerPackage</c>: a package's raco commands run in one Racket process, each through
    /// raco's front end in a fresh namespace (<c>raco-steps.rkt</c>), instead of one process each as pkg-build
    /// runs them: the same commands, without loading Racket's package and setup libraries for each.
    /// </summary>
    public required bool OneProcessPerPackage { get; init; }

    /// <summary><c>PkgBuildInfraRetries</c>.</summary>
    public required int InfrastructureRetries { get; init; }

    /// <summary>
    /// What goes into every package's key: the Racket and what the steps run. Limits do not: raising a
    /// timeout should not redo every package, only the ones that hit it (<c>PkgBuildRetryFailed</c>).
    /// </summary>
    public string Fingerprint => $"racket={RacketIdentity};tests={RunTests};commands={PackageJob.CommandsVersion};one-process={OneProcessPerPackage}";
}

/// <summary>A package the Racket under test already has: its checksum there and the guests that have it.</summary>
public sealed record ProvidedPackage(string Checksum, IReadOnlyList<string> Guests);
