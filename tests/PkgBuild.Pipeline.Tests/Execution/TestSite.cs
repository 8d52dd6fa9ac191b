using PkgBuild.Pipeline.Archive;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>A package written for a test: a collection of its name with a main.rkt of this body, depending on base and <paramref name="Deps"/>.</summary>
public sealed record TestPackage(string Name, string MainBody, params string[] Deps)
{
    public string DepsList => string.Join(" ", Deps.Prepend("base").Select(d => $"\"{d}\""));

    /// <summary>More of its info.rkt, after the collection and deps.</summary>
    public string Info { get; init; } = "";

    /// <summary>More files in its directory, by name.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; init; } = new Dictionary<string, byte[]>();
}

/// <summary>Writes packages and a directory catalog of them under <paramref name="root"/>, and archives that into a site (its path returned), as ArchivePackages does.</summary>
public static class TestSite
{
    public static async Task<string> ArchiveAsync(string root, params TestPackage[] packages)
    {
        Directory.CreateDirectory(Path.Combine(root, "catalog", "pkg"));
        foreach (var package in packages)
        {
            var directory = Path.Combine(root, "packages", package.Name);
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "info.rkt"), $"#lang info\n(define collection \"{package.Name}\")\n(define deps '({package.DepsList}))\n{package.Info}");
            File.WriteAllText(Path.Combine(directory, "main.rkt"), $"#lang racket/base\n{package.MainBody}\n");
            foreach (var (name, content) in package.Files)
            {
                File.WriteAllBytes(Path.Combine(directory, name), content);
            }
            File.WriteAllText(Path.Combine(root, "catalog", "pkg", package.Name),
                $"#hash((checksum . \"\") (dependencies . ({package.DepsList})) (name . \"{package.Name}\") (source . \"{new Uri(directory).AbsoluteUri}\"))");
        }
        var site = Path.Combine(root, "site");
        using var archiver = new PackageArchiver(site, Path.Combine(root, "archive")) { MaxParallel = 2 };
        var archived = await archiver.ArchiveAsync(DirectoryCatalog.Read(Path.Combine(root, "catalog")));
        Assert.All(archived, a => Assert.True(a.Succeeded, a.Failure));
        return site;
    }

    /// <summary>
    /// Builds every package of <paramref name="site"/> as RunPkgBuild does, on a fresh Local guest under
    /// <paramref name="dir"/> (results in <c>results/</c>), with the suite's limits changed by <paramref name="adjust"/>.
    /// </summary>
    /// <param name="isolated">Whether the packages run hostile code: then nothing runs unless the guest is isolated.</param>
    public static async Task<RunSummary> RunLocalAsync(string dir, string site, Func<RunSettings, RunSettings>? adjust = null, int parallelism = 1, bool isolated = false)
    {
        await using var guest = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string> { ["Parallelism"] = parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            Path.Combine(dir, "guest"), _ => { });
        await guest.PreflightAsync();
        Assert.True(guest.Isolated || !isolated, "the packages run hostile code, and Local guests are not isolated here");
        await guest.StartAsync();
        var settings = TestRunSettings.Base with { Results = new ResultsLayout(Path.Combine(dir, "results")), StateDirectory = Path.Combine(dir, "runs"), SiteDirectory = site };
        var siteUri = await guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
        return await new PkgBuildRun((adjust ?? (s => s))(settings), [new RunGuest(guest, siteUri, "raco")], _ => { }).RunAsync(new RunSelection { Scope = RunScope.All }, CancellationToken.None);
    }
}
