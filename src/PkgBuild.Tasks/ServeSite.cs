using System.Net;
using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Site;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// Serves the site for the rest of the build (a <see cref="SiteServer"/> registered with MSBuild and
/// disposed when the build ends, also after a failure or Ctrl+C), after fetching its catalog through its
/// own URL exactly as a guest will.
/// </summary>
public sealed class ServeSite : PkgBuildTask
{
    public static string ServerKey(string projectFile) => "PkgBuild.SiteServer|" + projectFile;

    [Required]
    public string SiteDirectory { get; set; } = "";

    /// <summary><c>PkgBuildSiteAddress</c> (its default is Sdk.props's).</summary>
    [Required]
    public string Address { get; set; } = "";

    public int Port { get; set; }

    /// <summary>The installers in the site, when there are any: the check fetches them too.</summary>
    public string[] InstallerFiles { get; set; } = [];

    [Output]
    public string SiteUrl { get; set; } = "";

    protected override void ExecuteCore()
    {
        var engine = (IBuildEngine4)BuildEngine;
        var key = ServerKey(ProjectFile);
        if (engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is SiteServer running)
        {
            SiteUrl = running.Url.AbsoluteUri;
            return;
        }
        if (!IPAddress.TryParse(Address, out var address))
        {
            throw new PkgBuildException(ErrorCodes.InvalidProperty, $"PkgBuildSiteAddress '{Address}' is not an IP address.", SourceLocation.InFile(ProjectFile));
        }
        if (Port is < 0 or > 65535)
        {
            throw new PkgBuildException(ErrorCodes.InvalidProperty, $"PkgBuildSitePort {Port} is not a port (0 picks a free one).", SourceLocation.InFile(ProjectFile));
        }
        var server = SiteServer.Start(SiteDirectory, address, Port);
        try
        {
            Wait(CheckAsync(server.Url));
        }
        catch
        {
            server.Dispose();
            throw;
        }
        engine.RegisterTaskObject(key, server, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        SiteUrl = server.Url.AbsoluteUri;
        Log.LogMessage(MessageImportance.High, "ServeSite: {0} serves {1}", SiteUrl, SiteDirectory);
    }

    /// <summary>What a guest fetches first: the catalog's pkgs-all, through the server's own URL.</summary>
    private async Task<bool> CheckAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var wanted = new List<Uri> { new(url, "catalog/pkgs-all") };
        foreach (var installer in InstallerFiles.Where(f => !string.IsNullOrWhiteSpace(f)).Distinct())
        {
            wanted.Add(new Uri(url, "installers/" + Uri.EscapeDataString(Path.GetFileName(installer))));
        }
        try
        {
            foreach (var resource in wanted)
            {
                using var response = await http.GetAsync(resource, HttpCompletionOption.ResponseHeadersRead, CancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new PkgBuildException(ErrorCodes.SiteCheckFailed,
                        $"The site server answered {(int)response.StatusCode} for {resource}, which a guest will fetch (did BuildInstallers run?).", SourceLocation.InFile(SiteDirectory));
                }
            }
            return true;
        }
        catch (HttpRequestException e)
        {
            throw new PkgBuildException(ErrorCodes.SiteCheckFailed, $"The site server at {url} could not be reached from this machine: {e.Message}", SourceLocation.InFile(SiteDirectory));
        }
    }
}
