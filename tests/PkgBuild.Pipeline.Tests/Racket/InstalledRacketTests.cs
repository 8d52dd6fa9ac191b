using PkgBuild.Pipeline.Racket;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Racket;

/// <summary>The version of the racket on PATH, asked of the real racket once and then kept while its file stays the same.</summary>
public sealed class InstalledRacketTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_answer_is_kept_while_the_racket_file_is_the_same()
    {
        var cache = _dir.Combine("racket-version");
        var asked = await InstalledRacket.TryGetVersionAsync();
        Assert.NotNull(asked);

        Assert.Equal(asked, await InstalledRacket.TryGetVersionAsync(cache));
        var lines = File.ReadAllLines(cache);
        Assert.Equal(InstalledRacket.OnPath("racket")!.FullName, lines[0].Split(' ')[0]);

        // Kept: a different answer recorded for the same file is believed (racket is not started again).
        File.WriteAllText(cache, $"{lines[0]}\n0.0.1\n");
        Assert.Equal("0.0.1", await InstalledRacket.TryGetVersionAsync(cache));

        // Another file (or the same one changed): racket is asked again.
        File.WriteAllText(cache, $"/elsewhere/racket 1 2\n0.0.1\n");
        Assert.Equal(asked, await InstalledRacket.TryGetVersionAsync(cache));
    }

    [Fact]
    public void PATH_is_searched_in_order_and_links_are_followed()
    {
        var first = Directory.CreateDirectory(_dir.Combine("first")).FullName;
        var second = Directory.CreateDirectory(_dir.Combine("second")).FullName;
        File.WriteAllText(Path.Combine(second, "tool"), "");
        File.WriteAllText(Path.Combine(_dir.Path, "real-tool"), "");
        File.CreateSymbolicLink(Path.Combine(first, "tool"), Path.Combine(_dir.Path, "real-tool"));

        Assert.Equal(Path.Combine(_dir.Path, "real-tool"), InstalledRacket.OnPath("tool", $"{first}:{second}")!.FullName);
        Assert.Equal(Path.Combine(second, "tool"), InstalledRacket.OnPath("tool", second)!.FullName);
        Assert.Null(InstalledRacket.OnPath("no-such-tool", $"{first}:{second}"));
    }
}
