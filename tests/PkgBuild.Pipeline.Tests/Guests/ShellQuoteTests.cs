using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Guests;

public sealed class ShellQuoteTests
{
    public static TheoryData<string> Hostile => new()
    {
        "plain", "", "with space", "it's", "'", "''", "$(touch CANARY)", "`touch CANARY`", "a;touch CANARY", "x\ny", "\\", "\"$HOME\"",
        "*", "~", "-n", "a|b&c>d<e", "λ 日本語", "!event", "#comment", "${IFS}",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void The_real_shell_reads_back_exactly_the_argument(string argument)
    {
        using var dir = new TempDirectory();
        var line = "printf '%s<end>' " + ShellQuote.Quote(argument.Replace("CANARY", dir.Combine("canary"), StringComparison.Ordinal));

        var result = ProcessRunner.Run("/bin/sh", ["-c", line], dir.Path);

        Assert.Equal(0, result.ExitCode);
        // The runner collects output line by line, so a final line break is its own.
        Assert.Equal(argument.Replace("CANARY", dir.Combine("canary"), StringComparison.Ordinal) + "<end>", result.Output.TrimEnd('\n'));
        Assert.False(File.Exists(dir.Combine("canary")));
    }

    [Fact]
    public void A_NUL_character_is_refused()
    {
        Assert.Equal(ErrorCodes.GuestArgumentInvalid, Assert.Throws<GuestException>(() => ShellQuote.Quote("a\0b")).Code);
    }
}
