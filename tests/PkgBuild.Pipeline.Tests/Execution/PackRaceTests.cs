using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Guests;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// The attack on the pack step, through a real run on a Local guest: each racer package starts, while it
/// compiles, a detached process that waits for <c>raco pkg create</c> to finish its zip and then keeps
/// renaming a link to a root-only canary and the real zip over it; a dependent makes the run pack it and
/// copy the zip out for the built catalog while the racer's own steps go on.
/// </summary>
public sealed class PackRaceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_package_swapping_a_link_over_its_zip_is_failed_and_its_canary_never_reaches_the_site()
    {
        var canary = CopyOutRace.WriteCanary(_dir);
        var secret = File.ReadAllText(canary);
        var racers = Enumerable.Range(1, 6).Select(i => $"racer{i}").ToList();
        var swappers = new[] { "swapper1", "swapper2" };
        var packages = racers.Select(r => Racer(r, canary)).Concat(swappers.Select(Swapper))
            .SelectMany(p => new[] { p, new TestPackage($"{p.Name}-user", $"(require {p.Name}) (provide x) (define x 1)", p.Name) }).ToArray();
        var site = await TestSite.ArchiveAsync(_dir.Combine("packages"), packages);

        var summary = await TestSite.RunLocalAsync(_dir.Path, site, s => s with { RunTests = false }, parallelism: 2, isolated: true);

        var results = summary.Results.ToDictionary(r => r.Package);
        var outcomes = string.Join(", ", summary.Results.Select(r => $"{r.Package}: {r.Outcome} {r.Message}"));
        foreach (var racer in racers.Concat(swappers))
        {
            var result = results[racer];
            var built = Path.Combine(site, "built", "pkgs", racer + ".zip");
            Assert.False(File.Exists(built) && File.ReadAllText(built) == secret, $"{racer}'s canary reached the site");
            if (result.Outcome == PackageOutcome.Success && !swappers.Contains(racer))
            {
                // The copy met the real zip: published as it is, its dependent built on it. Or it found no file at
                // the instant it opened the name (a loaded machine): not packed, its dependent installs it from the
                // archive instead.
                Assert.True(!File.Exists(built) || File.ReadAllText(built)[..2] == "PK", $"{racer}'s published zip is not a zip");
                Assert.Equal(PackageOutcome.Success, results[racer + "-user"].Outcome);
            }
            else
            {
                Assert.True((PackageOutcome.InstallFailure, StepNames.Pack) == (result.Outcome, result.Step), outcomes);
                Assert.Matches($"its packed zip was refused: 'work/{racer}.zip'.*(symbolic link|not a regular file).*refused", result.Message);
                Assert.False(File.Exists(built));
                Assert.Equal((PackageOutcome.BlockedByDependency, racer), (results[racer + "-user"].Outcome, results[racer + "-user"].BlockedBy));
            }
        }
        var catalog = Directory.EnumerateFiles(Path.Combine(site, "built", "catalog"), "*", SearchOption.AllDirectories).Select(File.ReadAllText);
        Assert.DoesNotContain(catalog, text => text.Contains(PkgBuild.Pipeline.IO.Sha1.OfFile(canary), StringComparison.Ordinal));
    }

    /// <summary>
    /// A package that renames a link over its zip while <c>raco pkg create</c> is still writing it (a large file
    /// of random bytes makes that take a while): raco writes on into the file it opened, reads the link back for
    /// the checksum (a file anyone may read, so the step succeeds), and the copy out always meets the link.
    /// </summary>
    private static TestPackage Swapper(string name)
    {
        var swap = $"while [ ! -e {name}.zip ]; do :; done; ln -sfn /etc/hostname l && mv -fT l {name}.zip";
        var blob = new byte[24 << 20];
        new Random(name.Length).NextBytes(blob);
        return Spawning(name, swap) with { Files = new Dictionary<string, byte[]> { ["blob.dat"] = blob } };
    }

    /// <summary>A package whose compilation leaves behind a process racing the pack step's copy out.</summary>
    private static TestPackage Racer(string name, string canary)
    {
        var zip = $"{name}.zip";
        var race = $"while [ ! -e {zip}.CHECKSUM ]; do sleep 0.001; done; cp {zip} real; "
            + $"while :; do ln -sfn {canary} l && mv -fT l {zip}; sleep 0.005; cp real r && mv -fT r {zip}; done";
        return Spawning(name, race);
    }

    /// <summary>
    /// A package whose compilation starts <paramref name="script"/> in the session's work directory (raco setup
    /// compiles in the package's own directory), detached, to outlive raco's own steps.
    /// </summary>
    private static TestPackage Spawning(string name, string script)
    {
        var spawn = $"cd \"$PLTUSERHOME/../work\" && setsid /bin/sh -c {ShellQuote.Quote(script)} </dev/null >/dev/null 2>&1 &";
        return new TestPackage(name,
            "(require (for-syntax racket/base racket/system))\n"
            + $"(begin-for-syntax (void (system {RacketString(spawn)})))\n"
            + "(provide y) (define y 2)");
    }

    private static string RacketString(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
