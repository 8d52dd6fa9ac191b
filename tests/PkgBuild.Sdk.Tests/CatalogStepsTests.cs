using System.Security.Cryptography;
using System.Text;
using PkgBuild.Testing;
using PkgBuild.Testing.Git;
using PkgBuild.Testing.Http;
using PkgBuild.Testing.Racket;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// CopyCatalog and EditCatalog through `dotnet build -bl`, against a catalog served over HTTP on
/// 127.0.0.1 (with ETags, as pkgs.racket-lang.org has) and repositories served by a real git daemon:
/// what runs, what is skipped as up to date, and what a user sees when something is wrong.
/// </summary>
public sealed class CatalogStepsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OverrideRepositories _repos;
    private readonly LoopbackHttpServer _server;
    private int _notModified;

    public CatalogStepsTests()
    {
        _repos = new OverrideRepositories(_dir.Path);
        _server = new LoopbackHttpServer(request =>
        {
            var file = Path.Combine(_repos.CatalogDirectory, Uri.UnescapeDataString(request.PathAndQuery.Split('?')[0]).TrimStart('/'));
            if (!File.Exists(file))
            {
                return new TestHttpResponse(404);
            }
            var body = File.ReadAllText(file);
            var etag = $"\"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..16]}\"";
            if (request.Header("If-None-Match") == etag)
            {
                Interlocked.Increment(ref _notModified);
                return new TestHttpResponse(304);
            }
            return TestHttpResponse.Ok(body, etag);
        });
    }

    public void Dispose()
    {
        _server.Dispose();
        _repos.Dispose();
        _dir.Dispose();
    }

    private string Project(string overrides) => $"""
        <Project Sdk="PkgBuild.Sdk">
          <PropertyGroup>
            <PkgBuildRacketVersion>8.7</PkgBuildRacketVersion>
            <!-- The catalog is served over HTTP, so it counts as remote, and its git daemon is on loopback. -->
            <PkgBuildAllowedSourceHosts>127.0.0.1</PkgBuildAllowedSourceHosts>
          </PropertyGroup>
          <ItemGroup>
            <PkgBuildSourceCatalog Include="{_server.BaseUrl}" />
            {overrides}
          </ItemGroup>
        </Project>
        """;

    private string RepositoryOverride(string rev) =>
        $"""<PkgBuildOverride Include="typed-racket" Repository="{_repos.UpstreamUrl}" With="{_repos.ForkUrl}" Rev="{rev}" />""";

    [Fact]
    public void A_second_build_skips_both_steps_and_a_changed_override_reruns_only_EditCatalog()
    {
        using var workspace = SdkWorkspace.FromProjectText(Project(RepositoryOverride("opaque")));

        var first = workspace.Build("pkgbuild.proj", "-t:EditCatalog");
        Assert.True(first.Succeeded, first.ToString());
        Assert.Contains("CopyCatalog", first.TasksRun);
        Assert.Contains("EditCatalog", first.TasksRun);
        var edited = workspace.PathOf("obj", "pkgbuild", "catalog-edited");
        Assert.Contains($"Checksum: {_repos.ForkCommit}", RacketRunner.Raco("pkg", "catalog-show", "--catalog", new Uri(edited + "/").AbsoluteUri, "tr-more"));
        var report = File.ReadAllText(workspace.PathOf("results", "catalog-edits.md"));
        Assert.Contains("| tr-lib | typed-racket |", report);
        Assert.Contains($"rev `opaque` is a branch → commit `{_repos.ForkCommit}`", report);
        Assert.True(File.Exists(workspace.PathOf("results", "catalog-edits.json")));

        var second = workspace.Build("pkgbuild.proj", "-t:EditCatalog");
        Assert.True(second.Succeeded, second.ToString());
        Assert.Contains("CopyCatalog", second.TargetsUpToDate);
        Assert.Contains("EditCatalog", second.TargetsUpToDate);
        Assert.DoesNotContain("CopyCatalog", second.TasksRun);
        Assert.DoesNotContain("EditCatalog", second.TasksRun);
        Assert.Contains("FetchCatalogSources", second.TasksRun);
        Assert.Contains("ResolveCatalogOverrides", second.TasksRun);
        Assert.Equal(1, _notModified);

        // Moving the override to another line changes nothing that EditCatalog reads.
        File.WriteAllText(workspace.PathOf("pkgbuild.proj"), Project("<!-- moved down a line -->\n" + RepositoryOverride("opaque")));
        var moved = workspace.Build("pkgbuild.proj", "-t:EditCatalog");
        Assert.True(moved.Succeeded, moved.ToString());
        Assert.Contains("EditCatalog", moved.TargetsUpToDate);

        // The same change, named by its commit instead of its branch: the overrides changed, the catalog did not.
        File.WriteAllText(workspace.PathOf("pkgbuild.proj"), Project(RepositoryOverride(_repos.ForkCommit)));
        var third = workspace.Build("pkgbuild.proj", "-t:EditCatalog");
        Assert.True(third.Succeeded, third.ToString());
        Assert.Contains("CopyCatalog", third.TargetsUpToDate);
        Assert.DoesNotContain("EditCatalog", third.TargetsUpToDate);
        Assert.Contains("EditCatalog", third.TasksRun);
        Assert.Contains($"tr-lib: {_repos.UpstreamUrl}/?path=tr-lib -> {_repos.ForkUrl}?path=tr-lib#{_repos.ForkCommit}", string.Join("\n", third.Messages));
    }

    [Fact]
    public void A_refresh_copies_again_but_an_unchanged_catalog_does_not_rerun_EditCatalog()
    {
        using var workspace = SdkWorkspace.FromProjectText(Project(RepositoryOverride("opaque")));
        Assert.True(workspace.Build("pkgbuild.proj", "-t:EditCatalog").Succeeded);

        var refreshed = workspace.Build("pkgbuild.proj", "-t:EditCatalog", "-p:PkgBuildRefreshCatalog=true");

        Assert.True(refreshed.Succeeded, refreshed.ToString());
        Assert.Contains("CopyCatalog", refreshed.TasksRun);
        Assert.Contains("EditCatalog", refreshed.TargetsUpToDate);
        Assert.Equal(0, _notModified);
        Assert.Contains("CopyCatalog", workspace.Build("pkgbuild.proj", "-t:EditCatalog").TargetsUpToDate);
    }

    [Fact]
    public void A_fragment_before_the_query_fails_at_the_line_of_the_override_with_the_corrected_text()
    {
        var bad = $"""<PkgBuildOverride Include="tr-lib" Source="{_repos.ForkUrl}#opaque?path=tr-lib" />""";
        using var workspace = SdkWorkspace.FromProjectText(Project(bad));

        var build = workspace.Build("pkgbuild.proj", "-t:EditCatalog");

        Assert.False(build.Succeeded);
        var error = Assert.Single(build.Errors);
        Assert.Equal("PKB0304", error.Code);
        Assert.Contains($"Source=\"{_repos.ForkUrl}?path=tr-lib#opaque\"", error.Message);
        Assert.Equal(workspace.PathOf("pkgbuild.proj"), error.File);
        Assert.Equal(9, error.Line); // the override's line in Project()
        Assert.DoesNotContain("EditCatalog", build.TasksRun);
    }

    [Fact]
    public void An_override_that_matches_nothing_names_the_close_packages()
    {
        var typo = $"""<PkgBuildOverride Include="tr-lob" Source="{_repos.ForkUrl}?path=tr-lib" Rev="opaque" />""";
        using var workspace = SdkWorkspace.FromProjectText(Project(typo));

        var build = workspace.Build("pkgbuild.proj", "-t:EditCatalog");

        var error = Assert.Single(build.Errors);
        Assert.Equal("PKB0307", error.Code);
        Assert.Contains("Close names: tr-lib", error.Message);
        Assert.Equal(9, error.Line); // the override's line in Project()
    }

    [Fact]
    public void An_unreachable_catalog_fails_with_PKB0201_and_the_previous_copies_stay()
    {
        using var workspace = SdkWorkspace.FromProjectText(Project(RepositoryOverride("opaque")));
        Assert.True(workspace.Build("pkgbuild.proj", "-t:EditCatalog").Succeeded);
        var edited = workspace.PathOf("obj", "pkgbuild", "catalog-edited", "pkgs-all");
        var before = File.ReadAllText(edited);

        _server.Dispose();
        var build = workspace.Build("pkgbuild.proj", "-t:EditCatalog");

        Assert.False(build.Succeeded);
        Assert.Equal("PKB0201", Assert.Single(build.Errors).Code);
        Assert.Equal(before, File.ReadAllText(edited));
        Assert.True(File.Exists(workspace.PathOf("obj", "pkgbuild", "catalog", "pkgs-all")));
    }
}
