using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Versions;
using PkgBuild.Testing;

namespace PkgBuild.Racket.Tests.Versions;

public sealed class RacketVersionTests
{
    private static readonly string[] Ascending = ["6.12", "7.0", "7.9.0.22", "8.7", "8.7.0.3", "8.9", "8.10", "8.11.1", "10.0"];

    [Fact]
    public void Orders_versions_as_Racket_does()
    {
        var ours = Ascending.Reverse().Select(RacketVersion.Parse).Order().Select(v => v.Text).ToList();

        // Racket's own version<? over the same strings, as the reference.
        var script = "#lang racket/base\n(require version/utils)\n" +
            "(for-each displayln (sort (for/list ([v (in-port read)]) v) version<?))";
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("order.rkt"), script);
        var result = ProcessRunner.Run("racket", [dir.Combine("order.rkt")],
            standardInput: string.Join(" ", Ascending.Reverse().Select(v => $"\"{v}\"")), timeout: TimeSpan.FromMinutes(2));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), ours);
        Assert.Equal(Ascending, ours);
    }

    [Fact]
    public void Keeps_the_exact_text_because_catalogs_match_it_exactly()
    {
        Assert.Equal("8.10", RacketVersion.Parse("8.10").Text);
        Assert.NotEqual(RacketVersion.Parse("8.7"), RacketVersion.Parse("8.7.0"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("8")]
    [InlineData("v8.7")]
    [InlineData("8.7-beta")]
    [InlineData("8..7")]
    [InlineData("8.7.0.0.1")]
    [InlineData("8.7; rm -rf /")]
    public void Refuses_what_is_not_a_version_with_PKB0003(string text)
    {
        Assert.Equal(ErrorCodes.InvalidProperty, Assert.Throws<PkgBuildException>(() => RacketVersion.Parse(text)).Code);
    }
}
