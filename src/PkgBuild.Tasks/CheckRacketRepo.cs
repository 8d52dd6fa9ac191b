using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Installers;
using PkgBuild.Pipeline.IO;

namespace PkgBuild.Tasks;

/// <summary>
/// Before installers are built: the checkout must be clean; its HEAD and the build variables go into a
/// stamp that changes only when one of them does, so the hours-long build reruns only then.
/// </summary>
public sealed class CheckRacketRepo : PkgBuildTask
{
    [Required]
    public string Repository { get; set; } = "";

    [Required]
    public string StampFile { get; set; } = "";

    /// <summary>Everything else the build depends on (PKGS, SRC_CATALOG...), one line each.</summary>
    public string[] Variables { get; set; } = [];

    protected override void ExecuteCore()
    {
        var head = Wait(RacketRepository.CheckAsync(Path.GetFullPath(Repository), CancellationToken));
        if (AtomicFile.WriteAllTextIfChanged(StampFile, string.Join("\n", Variables.Prepend(head))))
        {
            Log.LogMessage(MessageImportance.High, "BuildInstallers: racket/racket at {0} (changed since the last build: installers will be built)", head);
        }
    }
}
