using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Git;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Git;
using PkgBuild.Testing.Racket;

namespace PkgBuild.Pipeline.Tests.Catalogs;

/// <summary>
/// An edited catalog as the real Racket sees it: <c>raco pkg catalog-show</c> reports the new source and
/// checksum, and <c>raco pkg install</c> with a fresh PLTUSERHOME installs the fork's commit from a real
/// <c>git daemon</c>, dependencies included.
/// </summary>
public sealed class CatalogEditEndToEndTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OverrideRepositories _repos;

    public CatalogEditEndToEndTests() => _repos = new OverrideRepositories(_dir.Path);

    public void Dispose()
    {
        _repos.Dispose();
        _dir.Dispose();
    }

    private static CatalogOverride Override(string name, SourceLocation location, params (string Name, string Value)[] metadata) =>
        CatalogOverride.Parse(name, metadata.ToDictionary(m => m.Name, m => m.Value), location, w => Assert.Fail(w.Message));

    private async Task<(string Catalog, IReadOnlyList<CatalogEdit> Edits, IReadOnlyList<ResolvedOverride> Resolved)> Edit(params CatalogOverride[] overrides)
    {
        var resolved = await new OverrideResolver(new GitRevResolver()).ResolveAsync(overrides);
        var catalog = DirectoryCatalog.Read(_repos.CatalogDirectory);
        var result = CatalogEditor.Apply(catalog, resolved, RacketRunner.Version);
        var edited = _dir.Combine("catalog-edited");
        DirectoryCatalog.Write(result.Catalog, edited);
        return (edited, result.Edits, resolved);
    }

    [Fact]
    public async Task A_repository_override_is_what_raco_shows_and_installs()
    {
        var (edited, edits, resolved) = await Edit(Override("typed-racket", default, ("Repository", _repos.UpstreamUrl), ("With", _repos.ForkUrl), ("Rev", "opaque")));

        Assert.Equal(("branch", _repos.ForkCommit), (resolved[0].ResolvedAs, resolved[0].Commit));
        Assert.Equal(["tr-lib", "tr-more"], edits.Select(e => e.Package));
        var catalogUrl = new Uri(edited + "/").AbsoluteUri;
        foreach (var name in new[] { "tr-lib", "tr-more" })
        {
            var shown = RacketRunner.Raco("pkg", "catalog-show", "--catalog", catalogUrl, name);
            Assert.Contains($"Source: {_repos.ForkUrl}?path={name}#opaque", shown);
            Assert.Contains($"Checksum: {_repos.ForkCommit}", shown);
        }
        Assert.Contains($"Checksum: {_repos.OtherCommit}", RacketRunner.Raco("pkg", "catalog-show", "--catalog", catalogUrl, "other-lib"));

        var home = _dir.Combine("plt-user-home");
        RacketRunner.RacoAsUser(home, "pkg", "install", "--batch", "--auto", "--no-docs", "--catalog", catalogUrl, "tr-more");

        Assert.Equal("\"opaque\"", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "tr-lib", "-e", "(write (marker))").Trim());
        Assert.Equal("\"opaque\"", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "tr-more", "-e", "(write (marker))").Trim());
        var installed = RacketRunner.RacoAsUser(home, "pkg", "show", "-l", "--full-checksum");
        Assert.Contains(_repos.ForkCommit, installed);
        Assert.DoesNotContain(_repos.UpstreamCommit, installed);
    }

    [Fact]
    public async Task A_single_package_override_at_a_commit_installs_that_commit()
    {
        var (edited, edits, resolved) = await Edit(Override("tr-lib", default, ("Source", $"{_repos.ForkUrl}?path=tr-lib"), ("Rev", _repos.ForkCommit)));

        Assert.Equal("commit", resolved[0].ResolvedAs);
        Assert.Equal("tr-lib", Assert.Single(edits).Package);
        var home = _dir.Combine("plt-user-home");
        RacketRunner.RacoAsUser(home, "pkg", "install", "--batch", "--no-docs", "--catalog", new Uri(edited + "/").AbsoluteUri, "tr-lib");
        Assert.Equal("\"opaque\"", RacketRunner.RacketAsUser(home, "-l", "racket/base", "-l", "tr-lib", "-e", "(write (marker))").Trim());
    }

    [Fact]
    public async Task A_rev_the_fork_does_not_have_is_refused_at_the_override()
    {
        var missing = Override("typed-racket", new SourceLocation("pkgbuild.proj", 9, 6, 0), ("Repository", _repos.UpstreamUrl), ("With", _repos.ForkUrl), ("Rev", "no-such-branch"));

        var error = await Assert.ThrowsAsync<PkgBuildException>(() => Edit(missing));

        Assert.Equal(ErrorCodes.GitRevNotFound, error.Code);
        Assert.Contains("no-such-branch", error.Message);
        Assert.Equal(("pkgbuild.proj", 9, 6), (error.Location.File, error.Location.Line, error.Location.Column));
    }
}
