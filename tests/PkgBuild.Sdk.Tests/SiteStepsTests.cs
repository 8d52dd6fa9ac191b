using System.Net.Sockets;
using PkgBuild.Testing;
using PkgBuild.Testing.Http;
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
        Assert.Contains(first.Messages, m => m.StartsWith("BuildInstallers: 13 packages archived", StringComparison.Ordinal));
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

    [Theory]
    [InlineData("{1} Racket | {3} Linux | {1} 64-bit x86_64; built on Debian 10", null)]
    [InlineData("{1} Racket | {3} Linux | {1} 64-bit x86_64", "PKB0403")]
    public void An_installer_from_a_snapshot_site_is_put_in_the_site_and_served(string platform, string? code)
    {
        // The snapshot site's table is in table.rktd's real format; the installer is a STAND-IN of a few bytes.
        using var snapshot = new LoopbackHttpServer(request => request.PathAndQuery.Split('?')[0] switch
        {
            "/installers/table.rktd" => TestHttpResponse.Ok("#hash((\"{1} Racket | {3} Linux | {1} 64-bit x86_64; built on Debian 10\" . \"racket-8.7-x86_64-linux-cs.sh\"))"),
            "/installers/racket-8.7-x86_64-linux-cs.sh" => TestHttpResponse.Ok("#!/bin/sh\necho stand-in\n", "\"v1\""),
            _ => new TestHttpResponse(404),
        });
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup>
                <PkgBuildSnapshotUrl>{snapshot.BaseUrl}</PkgBuildSnapshotUrl>
                <PkgBuildInstallerPlatformName>{platform}</PkgBuildInstallerPlatformName>
              </PropertyGroup>
              <ItemGroup><PkgBuildSourceCatalog Include="{Path.Combine(RepositoryPaths.Samples, "quickstart", "catalog")}" /></ItemGroup>
            </Project>
            """);

        var build = workspace.Build("pkgbuild.proj", "-t:ServeSite");

        if (code == null)
        {
            Assert.True(build.Succeeded, build.ToString());
            Assert.True(File.Exists(workspace.PathOf("obj", "pkgbuild", "site", "installers", "racket-8.7-x86_64-linux-cs.sh")));
            Assert.Contains("FetchInstaller", build.TasksRun);
            Assert.Contains("ServeSite", build.TasksRun);
            return;
        }
        var error = Assert.Single(build.Errors);
        Assert.Equal(code, error.Code);
        Assert.Contains("{1} Racket | {3} Linux | {1} 64-bit x86_64; built on Debian 10", error.Message);
    }

    [Fact]
    public void The_site_is_live_for_the_targets_after_ServeSite()
    {
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup><PkgBuildRacket>Preinstalled</PkgBuildRacket></PropertyGroup>
              <ItemGroup><PkgBuildSourceCatalog Include="{Path.Combine(RepositoryPaths.Samples, "quickstart", "catalog")}" /></ItemGroup>
              <!-- A target of the project's own, after ServeSite, fetching what a guest would. -->
              <Target Name="FetchLikeAGuest" AfterTargets="ServeSite">
                <Exec Command="curl -sSf -o /dev/null $(PkgBuildSiteUrl)pkgs/qs-base.zip &amp;&amp; curl -sSf -o /dev/null $(PkgBuildSiteUrl)catalog/pkg/qs-app" />
              </Target>
            </Project>
            """);

        var build = workspace.Build("pkgbuild.proj", "-t:ServeSite");

        Assert.True(build.Succeeded, build.ToString());
        Assert.Contains("FetchLikeAGuest", build.TargetsRun);
    }
}
