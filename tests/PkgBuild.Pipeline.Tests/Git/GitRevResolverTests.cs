using PkgBuild.Pipeline.Git;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing.Git;

namespace PkgBuild.Pipeline.Tests.Git;

public sealed class GitRevResolverTests : IDisposable
{
    private readonly GitDaemon _daemon = new();
    private readonly GitRepository _repo;
    private readonly string _first;
    private readonly string _second;

    public GitRevResolverTests()
    {
        _repo = _daemon.CreateRepository("typed-racket");
        _repo.WriteFile("typed-racket-lib/info.rkt", "#lang info\n(define collection \"typed-racket\")\n");
        _first = _repo.Commit("first");
        _repo.Git("tag", "-a", "v1", "-m", "annotated tag");
        _repo.Git("tag", "light");
        _repo.WriteFile("typed-racket-lib/main.rkt", "#lang racket/base\n");
        _second = _repo.Commit("second");
        _repo.Git("branch", "opaque", _first);
    }

    public void Dispose() => _daemon.Dispose();

    [Fact]
    public async Task Resolves_branches_and_both_kinds_of_tag_to_the_commit()
    {
        var resolver = new GitRevResolver();
        var url = _daemon.UrlOf("typed-racket");

        Assert.Equal(new ResolvedRev("master", _second, GitRevKind.Branch), await resolver.ResolveAsync(url, "master"));
        Assert.Equal(new ResolvedRev("opaque", _first, GitRevKind.Branch), await resolver.ResolveAsync(url, "opaque"));
        Assert.Equal(new ResolvedRev("v1", _first, GitRevKind.Tag), await resolver.ResolveAsync(url, "v1"));
        Assert.Equal(new ResolvedRev("light", _first, GitRevKind.Tag), await resolver.ResolveAsync(url, "light"));
    }

    [Fact]
    public async Task Notices_a_moved_branch_head()
    {
        var resolver = new GitRevResolver();
        var url = _daemon.UrlOf("typed-racket");
        var before = await resolver.ResolveAsync(url, "master");

        _repo.WriteFile("typed-racket-lib/more.rkt", "#lang racket/base\n");
        var third = _repo.Commit("third");

        Assert.Equal(_second, before.Commit);
        Assert.Equal(third, (await resolver.ResolveAsync(url, "master")).Commit);
    }

    [Fact]
    public async Task Takes_a_full_commit_as_it_is()
    {
        var resolved = await new GitRevResolver().ResolveAsync(_daemon.UrlOf("typed-racket"), _first);

        Assert.Equal(GitRevKind.Commit, resolved.Kind);
        Assert.Equal(_first, resolved.Commit);
    }

    [Theory]
    [InlineData("no-such-branch", "no branch or tag named")]
    [InlineData("abc1234", "all 40 hex digits")]
    [InlineData("--upload-pack=touch", "is not a branch")]
    public async Task A_rev_the_repository_lacks_is_PKB0301(string rev, string message)
    {
        var error = await Assert.ThrowsAsync<PkgBuildException>(() => new GitRevResolver().ResolveAsync(_daemon.UrlOf("typed-racket"), rev));

        Assert.Equal(ErrorCodes.GitRevNotFound, error.Code);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task A_repository_that_is_not_there_is_PKB0302()
    {
        var error = await Assert.ThrowsAsync<PkgBuildException>(() => new GitRevResolver().ResolveAsync(_daemon.UrlOf("missing"), "master"));

        Assert.Equal(ErrorCodes.GitRemoteFailed, error.Code);
    }
}
