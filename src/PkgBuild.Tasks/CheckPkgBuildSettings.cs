using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Layout;

namespace PkgBuild.Tasks;

/// <summary>
/// Runs before every step: refuses settings that would make a later step dangerous or meaningless,
/// so the mistake is named at once instead of after a long copy or build.
/// </summary>
public sealed class CheckPkgBuildSettings : PkgBuildTask
{
    [Required]
    public string ProjectDirectory { get; set; } = "";

    [Required]
    public string WorkDir { get; set; } = "";

    [Required]
    public string ResultsDir { get; set; } = "";

    protected override void ExecuteCore()
    {
        DirectorySafety.EnsureDeletable("PkgBuildWorkDir", WorkDir, ProjectDirectory);
        DirectorySafety.EnsureDeletable("PkgBuildResultsDir", ResultsDir, ProjectDirectory);
        Log.LogMessage(MessageImportance.Low, "PkgBuild work directory: {0}", Path.GetFullPath(WorkDir));
        Log.LogMessage(MessageImportance.Low, "PkgBuild results directory: {0}", new ResultsLayout(ResultsDir).Root);
    }
}
