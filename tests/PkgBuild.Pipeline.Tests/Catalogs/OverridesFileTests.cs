using System.Text.Json;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Catalogs;

/// <summary>overrides.json, written by hand and read by the serializer: what is written is what is read.</summary>
public sealed class OverridesFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void What_is_written_is_read_back_and_the_location_is_left_out()
    {
        var file = new OverridesFile("8.7",
        [
            new OverrideSpec { Name = "typed-racket", Repository = "git://example.org/tr.git", With = "\"quoted\" \\ \u00e9\n", Rev = "main", ResolvedCommit = new string('a', 40), ResolvedAs = "branch", File = "/p.proj", Line = 3, Column = 5 },
            new OverrideSpec { Name = "qs-base", Source = "git://127.0.0.1/qs-base.git?path=qs-base", Commit = new string('b', 40) },
        ]);
        var path = _dir.Combine("overrides.json");

        Assert.True(file.Write(path));
        var read = OverridesFile.Read(path);

        Assert.Equal("8.7", read.RacketVersion);
        Assert.Equal(file.Overrides.Select(o => o with { File = null, Line = 0, Column = 0 }), read.Overrides);
        Assert.False(file.Write(path)); // unchanged: not rewritten
        Assert.DoesNotContain("\"file\"", File.ReadAllText(path));
        Assert.DoesNotContain("null", File.ReadAllText(path));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(File.ReadAllText(path)).RootElement.ValueKind);
    }

    [Fact]
    public void No_overrides_is_an_empty_list()
    {
        var path = _dir.Combine("overrides.json");
        new OverridesFile("8.7", []).Write(path);
        Assert.Empty(OverridesFile.Read(path).Overrides);
    }
}
