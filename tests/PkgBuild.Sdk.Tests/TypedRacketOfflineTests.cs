using PkgBuild.Testing;
using PkgBuild.Testing.Git;
using PkgBuild.Testing.Racket;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// samples/typed-racket-offline through `dotnet build -bl`: the real Typed Racket of Racket 8.7, from git
/// on 127.0.0.1, overridden with a fork whose assert always raises, on a real minimal Racket built from
/// Debian's source with compiler-lib as an extra package; both sides built in the run and compared.
/// </summary>
public sealed class TypedRacketOfflineTests
{
    private static (GitDaemon Daemon, string Catalog) Serve(SdkWorkspace workspace)
    {
        var daemon = new GitDaemon();
        var catalog = workspace.PathOf("obj", "distribution-catalog");
        var made = ProcessRunner.Run(Path.Combine(RepositoryPaths.Samples, "typed-racket-offline", "make-distribution-repo.sh"),
            [MinimalRacket.DistributionPackages, Path.Combine(daemon.BaseDir, "distribution.git"), daemon.UrlOf("distribution.git"), catalog], timeout: TimeSpan.FromMinutes(5));
        Assert.True(made.ExitCode == 0, made.Output);
        return (daemon, catalog);
    }

    [Fact]
    public void A_change_to_Typed_Racket_regresses_exactly_the_packages_that_rely_on_it()
    {
        using var workspace = SdkWorkspace.FromSample("typed-racket-offline");
        var (daemon, catalog) = Serve(workspace);
        using var _ = daemon;

        var build = workspace.BuildWithin(TimeSpan.FromMinutes(45), "pkgbuild.proj",
            $"-p:TypedRacketSampleInstaller={MinimalRacket.Installer}", $"-p:TypedRacketSampleDistribution={catalog}",
            $"-p:TypedRacketSampleRepo={daemon.UrlOf("distribution.git")}");

        Assert.True(build.Succeeded, build.ToString());
        var verdicts = build.OutputItems("PkgBuildVerdict").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Verdict"));
        Assert.Equal("regressed", verdicts["trd-clamp"]);
        Assert.Equal("regressed", verdicts["trd-port"]);
        Assert.Equal("still-passing", verdicts["trd-shapes"]);
        Assert.Equal("still-passing", verdicts["trd-words"]);
        Assert.Equal("still-passing", verdicts["typed-racket-lib"]);
        // compiler-lib and what it needs are the Racket's (extra packages): given, never built.
        Assert.DoesNotContain("compiler-lib", verdicts.Keys);
        Assert.DoesNotContain("rackunit-lib", verdicts.Keys);
        // Each side's dependents were compiled against that side's Typed Racket.
        const string fork = "this typed-racket-lib is the assert-raises fork";
        Assert.Contains(fork, File.ReadAllText(workspace.PathOf("results", "logs", "trd-clamp", "install.txt")));
        Assert.DoesNotContain(fork, File.ReadAllText(workspace.PathOf("results", "baseline", "logs", "trd-clamp", "install.txt")));
        Assert.Contains("Assertion", File.ReadAllText(workspace.PathOf("results", "logs", "trd-clamp", "test.txt")));
        Assert.Matches(@"\*\*2 regressed(, [^*]*)? of \d+\*\*", File.ReadAllText(workspace.PathOf("results", "report.md")));
    }

    [Fact]
    public void The_same_override_on_this_machines_full_Racket_is_refused_before_any_package_is_built()
    {
        using var workspace = SdkWorkspace.FromSample("typed-racket-offline");
        var (daemon, catalog) = Serve(workspace);
        using var _ = daemon;

        var build = workspace.Build("pkgbuild.proj", "-p:TypedRacketSampleInstaller=", "-p:PkgBuildRacket=Preinstalled",
            $"-p:TypedRacketSampleDistribution={catalog}", $"-p:TypedRacketSampleRepo={daemon.UrlOf("distribution.git")}");

        Assert.False(build.Succeeded);
        var error = Assert.Single(build.Errors);
        Assert.Equal("PKB0708", error.Code);
        Assert.Equal(workspace.PathOf("pkgbuild.proj"), error.File);
        Assert.Contains("typed-racket-lib", error.Message);
        Assert.Empty(build.OutputItems("PkgBuildPackageResult"));
    }
}
