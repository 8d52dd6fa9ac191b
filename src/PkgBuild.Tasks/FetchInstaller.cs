using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Installers;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// The installer half of BuildInstallers when Racket is not built here: PkgBuildInstaller (a path or URL)
/// or PkgBuildSnapshotUrl with PkgBuildInstallerPlatformName, into the site's installers/. Runs on every
/// build; an unchanged download is only asked about (ETag).
/// </summary>
public sealed class FetchInstaller : PkgBuildTask
{
    public string? Installer { get; set; }

    public string? SnapshotUrl { get; set; }

    public string? PlatformName { get; set; }

    [Required]
    public string SiteDirectory { get; set; } = "";

    [Required]
    public string StateDirectory { get; set; } = "";

    /// <summary>The installer's path in the site.</summary>
    [Output]
    public string InstallerFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        using var http = new CatalogHttpClient(log: message => Log.LogMessage(MessageImportance.Normal, message));
        var fetcher = new InstallerFetcher(http, SiteDirectory, StateDirectory);
        if (!string.IsNullOrWhiteSpace(Installer))
        {
            InstallerFile = Wait(fetcher.FromInstallerAsync(Installer.Trim(), CancellationToken));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(PlatformName))
            {
                throw new PkgBuildException(ErrorCodes.RacketNotChosen,
                    "PkgBuildSnapshotUrl needs PkgBuildInstallerPlatformName: the platform's name as the snapshot's installers/table.rktd lists it (a wrong one is answered with the list).",
                    SourceLocation.InFile(ProjectFile));
            }
            InstallerFile = Wait(fetcher.FromSnapshotAsync(SnapshotUrl!.Trim(), PlatformName.Trim(), CancellationToken),
                () => Log.LogMessage(MessageImportance.High, "BuildInstallers: downloading the installer..."));
        }
        Log.LogMessage(MessageImportance.High, "BuildInstallers: installer {0}", InstallerFile);
    }
}
