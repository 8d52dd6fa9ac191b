using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// Runs before the first step of the pipeline (not before Clean): refuses a run that could not test what
/// it was asked to, before the catalog steps and the installer build spend their time.
/// </summary>
public sealed class CheckRunSettings : PkgBuildTask
{
    /// <summary><c>PkgBuildRacketRepo</c>: the guests' Racket is built from it, with the edited catalog.</summary>
    public string RacketRepo { get; set; } = "";

    /// <summary><c>PkgBuildBaseline</c>.</summary>
    public string Baseline { get; set; } = "";

    protected override void ExecuteCore()
    {
        if (!string.IsNullOrWhiteSpace(RacketRepo) && string.Equals(Baseline.Trim(), "Run", StringComparison.OrdinalIgnoreCase))
        {
            // Both sides would run on installers that hold the change: every package would compare equal.
            throw new PkgBuildException(ErrorCodes.BaselineRacketNeeded,
                "PkgBuildBaseline=Run with PkgBuildRacketRepo would build the baseline on the Racket built from the edited catalog (the change itself), so no package could "
                + "differ. Set PkgBuildBaseline to a pkg-build summary.rktd (a path or URL) of a run on the unmodified Racket, or leave PkgBuildBaseline empty.",
                SourceLocation.InFile(ProjectFile));
        }
    }
}
