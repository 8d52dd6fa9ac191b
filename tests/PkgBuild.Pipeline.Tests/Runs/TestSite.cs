using PkgBuild.Pipeline.Archive;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Pipeline.Tests.Runs;

/// <summary>A package written for a test: a collection of its name with a main.rkt of this body, depending on base and <paramref name="Deps"/>.</summary>
public sealed record TestPackage(string Name, string MainBody, params string[] Deps)
{
    public string DepsList => string.Join(" ", Deps.Prepend("base").Select(d => $"\"{d}\""));

    /// <summary>More of its info.rkt, after the collection and deps.</summary>
    public string Info { get; init; } = "";
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
            File.WriteAllText(Path.Combine(root, "catalog", "pkg", package.Name),
                $"#hash((checksum . \"\") (dependencies . ({package.DepsList})) (name . \"{package.Name}\") (source . \"{new Uri(directory).AbsoluteUri}\"))");
        }
        var site = Path.Combine(root, "site");
        using var archiver = new PackageArchiver(site, Path.Combine(root, "archive"));
        var archived = await archiver.ArchiveAsync(DirectoryCatalog.Read(Path.Combine(root, "catalog")));
        Assert.All(archived, a => Assert.True(a.Succeeded, a.Failure));
        return site;
    }
}
