using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// What a person at a terminal sees: `dotnet build -tl:on` at its default verbosity in a pseudo-terminal, on
/// four packages of the quickstart, one at a time (one fails to install, one depends on it). The terminal
/// logger shows no task message of its own accord; RunPkgBuild's lines must arrive as each package
/// finishes, and the run must end with its summary warning and the report.
/// </summary>
public sealed class TerminalLoggerTests
{
    private static readonly string[] Arguments =
        ["-tl:on", "-p:PkgBuildPackages=\"qs-base qs-standalone,qs-broken;qs-needs-broken\"", "-p:QuickstartParallelism=1", "-p:PkgBuildTestTimeout=15"];

    [Fact]
    public void Under_the_terminal_logger_each_package_shows_as_it_finishes_and_the_run_ends_in_its_summary()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");
        var report = workspace.PathOf("results", "report.html");

        var first = workspace.BuildInTerminal(TimeSpan.FromMinutes(10), "pkgbuild.proj", Arguments);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("\u001b[?25l", first.Raw, StringComparison.Ordinal); // the terminal logger drew it, not the console logger
        // Progress while the run goes on: the first package's line comes well before the last one's, and the
        // end of the build after both.
        var firstPackage = first.FirstSeen("RunPkgBuild: [1/4] ");
        var lastPackage = first.FirstSeen("RunPkgBuild: [4/4] ");
        var end = first.FirstSeen("Build succeeded");
        Assert.True(firstPackage != null && lastPackage != null && end != null, first.ToString());
        Assert.True(lastPackage - firstPackage > TimeSpan.FromSeconds(1), $"[1/4] at {firstPackage}, [4/4] at {lastPackage}\n{first}");
        Assert.True(end >= lastPackage, first.ToString());
        Assert.Contains($"qs-broken: install failure", first.Plain, StringComparison.Ordinal);
        Assert.Contains($"log: {workspace.PathOf("results", "logs", "qs-broken", "install.txt")}", first.Plain, StringComparison.Ordinal);
        // The end: the table, one warning with the counts, what was not built and the report, and the project's line pointing at it.
        Assert.Contains("RunPkgBuild: 4 package(s): 2 success, 1 install failure, 1 blocked by a dependency; built now: 4; kept from earlier builds: 0", first.Plain, StringComparison.Ordinal);
        var summary = first.FirstSeen("warning PKB0711: 4 package(s): 2 success, 1 install failure, 1 blocked by a dependency.");
        Assert.True(summary >= lastPackage, first.ToString());
        Assert.Contains(" Not built: qs-needs-broken (blocked by qs-broken).", first.Plain, StringComparison.Ordinal);
        Assert.Contains($" Report: {report}", first.Plain, StringComparison.Ordinal);
        Assert.Contains("pkgbuild test succeeded with 1 warning(s)", first.Plain, StringComparison.Ordinal); // the price of the test protocol
        Assert.Contains("→ results/report.html", first.Plain, StringComparison.Ordinal);
        Assert.Contains("Build succeeded with 1 warning(s)", first.Plain, StringComparison.Ordinal);

        // Nothing changed: the report again, counted as the last build's, not as built now.
        var second = workspace.BuildInTerminal(TimeSpan.FromMinutes(5), "pkgbuild.proj", Arguments);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("RunPkgBuild: nothing changed since the last build", second.Plain, StringComparison.Ordinal);
        Assert.Contains("built now: 0; reported from the last build: 4", second.Plain, StringComparison.Ordinal);
        Assert.DoesNotContain("built now: 4", second.Plain, StringComparison.Ordinal);
        Assert.Contains("These are the last build's results (nothing changed since): -p:PkgBuildRetryFailed=true builds the failures again.", second.Plain, StringComparison.Ordinal);

        // NoWarn silences it, as in a .NET project.
        var quiet = workspace.BuildInTerminal(TimeSpan.FromMinutes(5), "pkgbuild.proj", [.. Arguments, "-p:NoWarn=PKB0711"]);

        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.DoesNotContain("PKB0711", quiet.Plain, StringComparison.Ordinal);
        Assert.Contains("Build succeeded in", quiet.Plain, StringComparison.Ordinal);
    }
}
