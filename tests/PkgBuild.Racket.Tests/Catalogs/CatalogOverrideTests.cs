using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Tests.Catalogs;

public sealed class CatalogOverrideTests
{
    private static readonly SourceLocation At = new("pkgbuild.proj", 7, 5, 0);

    private static CatalogOverride Parse(string name, string? source = null, string? repository = null, string? with = null,
        string? rev = null, string? commit = null, List<PkgBuildException>? warnings = null)
    {
        var metadata = new[] { ("Source", source), ("Repository", repository), ("With", with), ("Rev", rev), ("Commit", commit) }
            .Where(m => m.Item2 != null)
            .ToDictionary(m => m.Item1, m => m.Item2!);
        return CatalogOverride.Parse(name, metadata, At, w => (warnings ?? []).Add(w));
    }

    private static PkgBuildException Fails(Func<CatalogOverride> parse) => Assert.Throws<PkgBuildException>(() => parse());

    [Fact]
    public void A_single_package_override_keeps_its_path_and_puts_the_rev_after_the_query()
    {
        var o = Parse("typed-racket-lib", source: "https://github.com/me/typed-racket.git?path=typed-racket-lib", rev: "opaque");

        Assert.False(o.IsRepositoryForm);
        Assert.Equal("opaque", o.Rev);
        Assert.Equal("https://github.com/me/typed-racket.git?path=typed-racket-lib#opaque", o.SourceFor(null, o.Rev));
        Assert.Equal("https://github.com/me/typed-racket.git", o.Target.CloneUrl);
    }

    [Fact]
    public void The_rev_may_come_from_the_sources_fragment_or_from_Commit()
    {
        Assert.Equal("opaque", Parse("p", source: "git://h/r?path=p#opaque").Rev);
        var commit = new string('a', 40);
        var o = Parse("p", source: "git://h/r?path=p", commit: commit.ToUpperInvariant());
        Assert.Equal(commit, o.Commit);
        Assert.Equal(commit, o.Rev);
    }

    [Fact]
    public void The_metadata_is_kept_as_written_and_an_empty_value_counts_as_not_given()
    {
        var o = Parse("p", source: " git://h/r?path=p#main ", repository: "", with: " ");

        Assert.Equal(new Dictionary<string, string> { ["Source"] = "git://h/r?path=p#main" }, o.Metadata);
        Assert.False(o.IsRepositoryForm);
        Assert.Equal("main", o.Rev);
    }

    [Fact]
    public void A_fragment_before_the_query_is_refused_with_the_corrected_text()
    {
        var e = Fails(() => Parse("typed-racket-lib", source: "https://github.com/me/typed-racket.git#opaque?path=typed-racket-lib"));

        Assert.Equal(ErrorCodes.OverrideFragmentBeforeQuery, e.Code);
        Assert.Contains("Source=\"https://github.com/me/typed-racket.git?path=typed-racket-lib#opaque\"", e.Message);
        Assert.Contains("'opaque?path=typed-racket-lib'", e.Message);
        Assert.Equal(At, e.Location);
    }

    [Fact]
    public void An_https_source_without_dot_git_is_corrected_with_a_warning()
    {
        var warnings = new List<PkgBuildException>();
        var o = Parse("typed-racket-lib", source: "https://github.com/me/typed-racket?path=typed-racket-lib", rev: "opaque", warnings: warnings);

        var warning = Assert.Single(warnings);
        Assert.Equal(ErrorCodes.OverrideNotGitUrl, warning.Code);
        Assert.Contains("\"https://github.com/me/typed-racket.git?path=typed-racket-lib\"", warning.Message);
        Assert.Equal("https://github.com/me/typed-racket.git?path=typed-racket-lib#opaque", o.SourceFor(null, o.Rev));
    }

    [Fact]
    public void The_repository_to_match_may_be_written_without_dot_git_and_is_not_warned_about()
    {
        var warnings = new List<PkgBuildException>();
        var o = Parse("typed-racket", repository: "https://github.com/racket/typed-racket", with: "https://github.com/me/typed-racket.git", rev: "opaque", warnings: warnings);

        Assert.Empty(warnings);
        Assert.True(o.IsRepositoryForm);
        Assert.Equal("github.com/racket/typed-racket", o.Repository!.RepositoryKey);
        Assert.Equal("https://github.com/me/typed-racket.git?path=typed-racket-more#opaque", o.SourceFor("typed-racket-more", "opaque"));
    }

    [Theory]
    [InlineData(null, null, null, "none of them")]
    [InlineData("git://h/r", "git://h/r", null, "Source and Repository")]
    [InlineData(null, "git://h/r", null, "Repository")]
    [InlineData(null, null, "git://h/r", "With")]
    public void An_override_needs_source_or_repository_and_with(string? source, string? repository, string? with, string given)
    {
        var e = Fails(() => Parse("p", source, repository, with, rev: "main"));
        Assert.Equal(ErrorCodes.OverrideIncomplete, e.Code);
        Assert.EndsWith($"it has {given}.", e.Message);
    }

    [Fact]
    public void An_override_without_any_rev_is_refused()
    {
        var e = Fails(() => Parse("p", source: "git://h/r?path=p"));
        Assert.Equal(ErrorCodes.OverrideIncomplete, e.Code);
        Assert.Contains("Rev=", e.Message);
    }

    [Theory]
    [InlineData("bad name", "git://h/r", "main", null)]
    [InlineData("p", "git://h/r", "-upload-pack=evil", null)]
    [InlineData("p", "git://h/r", "a b", null)]
    [InlineData("p", "git://h/r", "x..y", null)]
    [InlineData("p", "git://h/r#one", "two", null)]
    [InlineData("p", "git://h/r", null, "abc123")]
    public void Unusable_names_revs_and_commits_are_refused(string name, string source, string? rev, string? commit)
    {
        Assert.Equal(ErrorCodes.OverrideInvalid, Fails(() => Parse(name, source, rev: rev, commit: commit)).Code);
    }

    [Theory]
    [InlineData("../typed-racket")]
    [InlineData("typed-racket-lib")]
    [InlineData("https://example.org/p.zip")]
    [InlineData("ftp://example.org/r.git")]
    public void A_source_that_is_not_a_git_repository_is_refused(string source)
    {
        Assert.Equal(ErrorCodes.OverrideNotGitSource, Fails(() => Parse("p", source, rev: "main")).Code);
    }

    [Fact]
    public void Repository_and_With_name_repositories_only()
    {
        Assert.Equal(ErrorCodes.OverrideInvalid, Fails(() => Parse("tr", repository: "git://h/r?path=x", with: "git://h/s", rev: "m")).Code);
        Assert.Equal(ErrorCodes.OverrideInvalid, Fails(() => Parse("tr", repository: "git://h/r", with: "git://h/s?path=x", rev: "m")).Code);
    }
}
