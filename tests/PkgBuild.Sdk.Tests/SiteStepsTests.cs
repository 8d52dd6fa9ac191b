using System.Net.Sockets;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>BuildInstallers (the archive, for guests with Racket preinstalled) and ServeSite through `dotnet build -bl`.</summary>
public sealed class SiteStepsTests
{
    [Fact]
    public void The_quickstart_archive_is_served_for_the_build_and_gone_after_it_and_a_rerun_skips_the_archive()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var first = workspace.Build("pkgbuild.proj", "-t:ServeSite");

        Assert.True(first.Succeeded, first.ToString());
        Assert.Contains("ArchivePackages", first.TasksRun);
        Assert.Contains(first.Messages, m => m.StartsWith("BuildInstallers: 2 packages archived", StringComparison.Ordinal));
        Assert.True(File.Exists(workspace.PathOf("obj", "pkgbuild", "site", "pkgs", "qs-base.zip")));
        var served = first.Messages.Single(m => m.StartsWith("ServeSite: http://127.0.0.1:", StringComparison.Ordinal));
        var url = new Uri(served["ServeSite: ".Length..].Split(' ')[0]);
        using (var client = new TcpClient())
        {
            Assert.ThrowsAny<SocketException>(() => client.Connect(url.Host, url.Port)); // the server ended with its build
        }

        var second = workspace.Build("pkgbuild.proj", "-t:ServeSite");
        Assert.True(second.Succeeded, second.ToString());
        Assert.Contains("BuildInstallers", second.TargetsUpToDate);
        Assert.Contains("ServeSite", second.TasksRun);
    }

    [Fact]
    public void A_project_that_does_not_say_which_Racket_is_told_how()
    {
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <ItemGroup><PkgBuildSourceCatalog Include="{Path.Combine(PkgBuild.Testing.RepositoryPaths.Samples, "quickstart", "catalog")}" /></ItemGroup>
            </Project>
            """);

        var build = workspace.Build("pkgbuild.proj", "-t:BuildInstallers");

        var error = Assert.Single(build.Errors);
        Assert.Equal("PKB0401", error.Code);
        Assert.Contains("PkgBuildRacket=Preinstalled", error.Message);
        Assert.DoesNotContain("ArchivePackages", build.TasksRun);
    }
}
