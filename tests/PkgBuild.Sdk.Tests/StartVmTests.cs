using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PkgBuild.Testing;
using PkgBuild.Testing.Sdk;
using PkgBuild.Testing.Ssh;

namespace PkgBuild.Sdk.Tests;

/// <summary>StartVm through `dotnet build -bl`: guests checked, started, named when broken, stopped at the end.</summary>
public sealed class StartVmTests
{
    private static readonly string QuickstartCatalog = Path.Combine(RepositoryPaths.Samples, "quickstart", "catalog");

    [Fact]
    public void The_default_Local_guest_starts_isolated_and_is_stopped_when_the_build_ends()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var build = workspace.Build("pkgbuild.proj", "-t:StartVm");

        Assert.Contains("StartGuests", build.TasksRun);
        Assert.Contains(build.Messages, m => m == "StartVm: local (Local, isolated: bubblewrap, no network, read-only system) is up; its Racket is checked when the run starts");
        Assert.Empty(build.Errors);
        Assert.False(File.Exists(workspace.PathOf("obj", "pkgbuild", "guests", "state.json")), "the guest pool was not disposed at build end");
        Assert.False(Directory.Exists(workspace.PathOf("obj", "pkgbuild", "guests", "local", "sessions")));
    }

    [Fact]
    public void One_build_names_every_broken_guest_each_at_its_line()
    {
        using var sshd = SshServer.Start();
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("empty_known_hosts"), "");
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        closed.Stop();
        var port = sshd.Port.ToString(CultureInfo.InvariantCulture);
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup><PkgBuildRacket>Preinstalled</PkgBuildRacket></PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="{QuickstartCatalog}" />
                <PkgBuildGuest Include="good" Kind="Ssh" Host="{sshd.Host}" Port="{port}" User="{sshd.User}" IdentityFile="{sshd.ClientKeyPath}" KnownHostsFile="{sshd.KnownHostsPath}" Dir="/tmp/pkgbuild-sdk-{Guid.NewGuid():N}" />
                <PkgBuildGuest Include="nobody-home" Kind="Ssh" Host="127.0.0.1" Port="{closedPort}" IdentityFile="{sshd.ClientKeyPath}" />
                <PkgBuildGuest Include="stranger" Kind="Ssh" Host="{sshd.Host}" Port="{port}" User="{sshd.User}" IdentityFile="{sshd.ClientKeyPath}" KnownHostsFile="{dir.Combine("empty_known_hosts")}" />
              </ItemGroup>
            </Project>
            """);

        var build = workspace.Build("pkgbuild.proj", "-t:StartVm");

        var guestErrors = build.Errors.OrderBy(e => e.Line).ToList();
        Assert.Equal([("PKB0603", 6), ("PKB0606", 7)], guestErrors.Select(e => (e.Code!, e.Line)));
        Assert.All(guestErrors, e => Assert.Equal(workspace.PathOf("pkgbuild.proj"), e.File));
        Assert.Contains(sshd.KnownHostsLine, guestErrors[1].Message);
        Assert.DoesNotContain(build.Messages, m => m.Contains("is up", StringComparison.Ordinal));
    }

    [Fact]
    public void Guests_written_wrong_fail_at_their_lines_before_the_catalog_is_copied()
    {
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup><PkgBuildRacket>Preinstalled</PkgBuildRacket></PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="{QuickstartCatalog}" />
                <PkgBuildGuest Include="vagrant" Kind="Vagrant" />
                <PkgBuildGuest Include="hostless" Kind="Ssh" />
              </ItemGroup>
            </Project>
            """);

        var build = workspace.Build("pkgbuild.proj", "-t:StartVm");

        // Both in one build: what is wrong in the project is all said before any step runs.
        Assert.Equal([("PKB0601", 5), ("PKB0601", 6)], build.Errors.OrderBy(e => e.Line).Select(e => (e.Code!, e.Line)));
        Assert.DoesNotContain("CopyCatalog", build.TargetsRun);
        Assert.DoesNotContain("StartGuests", build.TasksRun);
    }
}
