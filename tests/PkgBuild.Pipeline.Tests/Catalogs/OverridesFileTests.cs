using System.Text.Json;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Catalogs;

/// <summary>overrides.json, written and read by hand: what is written is what is read.</summary>
public sealed class OverridesFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ResolvedOverride Resolved(string name, string resolvedAs, params (string Name, string Value)[] metadata) =>
        new(CatalogOverride.Parse(name, metadata.ToDictionary(m => m.Name, m => m.Value), new SourceLocation("/p.proj", 3, 5, 0), _ => { }),
            new string('a', 40), resolvedAs);

    [Fact]
    public void What_is_written_is_read_back_and_the_location_is_left_out()
    {
        var file = new OverridesFile("8.7",
        [
            // Without .git, corrected as the override is checked; the file holds the corrected source.
            Resolved("typed-racket", "branch", ("Repository", "https://github.com/racket/typed-racket"), ("With", "https://example.org/\"quoted\"\\\u00e9"), ("Rev", "main")),
            // github:// writes the rev as a path segment, where a '/' in it would read as part of the path.
            Resolved("tr", "branch", ("Repository", "git://h/tr"), ("With", "github://github.com/me/tr"), ("Rev", "feature/x")),
            Resolved("qs-base", "Commit attribute", ("Source", "git://127.0.0.1/qs-base.git?path=qs-base"), ("Commit", new string('B', 40))),
        ]);
        var path = _dir.Combine("overrides.json");

        Assert.True(file.Write(path));
        var read = OverridesFile.Read(path);

        Assert.Equal("8.7", read.RacketVersion);
        Assert.Equal(file.Overrides.Count, read.Overrides.Count);
        foreach (var (written, back) in file.Overrides.Zip(read.Overrides))
        {
            Assert.Equal(written.Override.Metadata, back.Override.Metadata);
            Assert.Equal(written with { Override = written.Override with { Location = default, Metadata = back.Override.Metadata } }, back);
            Assert.Equal(written.Override.SourceFor("p", written.Override.Rev), back.Override.SourceFor("p", back.Override.Rev));
        }
        Assert.False(file.Write(path)); // unchanged: not rewritten
        Assert.DoesNotContain("p.proj", File.ReadAllText(path));
        Assert.DoesNotContain("null", File.ReadAllText(path));
    }

    [Fact]
    public void No_overrides_is_an_empty_list()
    {
        var path = _dir.Combine("overrides.json");
        new OverridesFile("8.7", []).Write(path);
        Assert.Empty(OverridesFile.Read(path).Overrides);
    }

    [Theory]
    [InlineData("""{ "racketVersion": "8.7" }""")]
    [InlineData("""{ "racketVersion": "8.7", "overrides": [ { "name": "p" } ] }""")]
    [InlineData("""{ "racketVersion": "8.7", "overrides": [ { "name": "p", "metadata": {}, "target": "../p", "rev": "m", "resolvedCommit": "c", "resolvedAs": "tag" } ] }""")]
    public void A_file_that_is_not_what_was_written_is_a_JSON_error(string text)
    {
        var path = _dir.Combine("overrides.json");
        File.WriteAllText(path, text);
        Assert.Throws<JsonException>(() => OverridesFile.Read(path));
    }
}
