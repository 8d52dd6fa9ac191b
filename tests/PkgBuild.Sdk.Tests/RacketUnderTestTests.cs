using PkgBuild.Testing;
using PkgBuild.Testing.Git;
using PkgBuild.Testing.Racket;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// The Racket under test as pkg-build has it, through `dotnet build -bl`: a change to a package the
/// guests' Racket already has is refused before anything is built; packages that write into the
/// installation succeed, as in a pkg-build VM, on this machine's Racket and on a real minimal Racket
/// built from Debian's source; and a minimal Racket gets raco test through PkgBuildExtraPackages.
/// </summary>
public sealed class RacketUnderTestTests
{
    /// <summary>A catalog entry for one of our test packages, with a directory source.</summary>
    private static void Entry(string catalog, string name, string source, params string[] deps)
    {
        Directory.CreateDirectory(Path.Combine(catalog, "pkg"));
        File.WriteAllText(Path.Combine(catalog, "pkg", name),
            $"#hash((name . \"{name}\") (source . \"{source}\") (checksum . \"\") (author . \"pkgbuild-tests@example.org\") (description . \"\") (tags . ()) (modules . ()) "
            + $"(dependencies . ({string.Join(' ', deps.Select(d => $"\"{d}\""))})))");
    }

    /// <summary>A meta package (only info.rkt, <c>collection 'multi</c>) and one that adds a module to a collection the distribution has.</summary>
    private static void WriteInstallationWriters(string root, string catalog)
    {
        Directory.CreateDirectory(Path.Combine(root, "pkb-meta"));
        File.WriteAllText(Path.Combine(root, "pkb-meta", "info.rkt"), "#lang info\n(define collection 'multi)\n(define deps '(\"base\"))\n");
        Directory.CreateDirectory(Path.Combine(root, "pkb-into-racket"));
        File.WriteAllText(Path.Combine(root, "pkb-into-racket", "info.rkt"), "#lang info\n(define collection \"racket\")\n(define deps '(\"base\"))\n");
        File.WriteAllText(Path.Combine(root, "pkb-into-racket", "pkb-extra.rkt"), "#lang racket/base\n(provide pkb-extra)\n(define (pkb-extra) 'extra)\n");
        Entry(catalog, "pkb-meta", Path.Combine(root, "pkb-meta"), "base");
        Entry(catalog, "pkb-into-racket", Path.Combine(root, "pkb-into-racket"), "base");
    }

    [Fact]
    public void An_override_of_a_package_the_installed_Racket_has_is_refused_before_any_package_is_built()
    {
        using var daemon = new GitDaemon();
        // A real distribution package, served from git as a catalog would list it, and a fork of it.
        var repo = daemon.CreateRepository("at-exp-lib.git");
        CopyDirectory("/usr/share/racket/pkgs/at-exp-lib", Path.Combine(repo.Path, "at-exp-lib"));
        repo.Commit("at-exp-lib as Debian ships it");
        repo.Git("checkout", "-q", "-b", "fork");
        repo.WriteFile("at-exp-lib/at-exp/pkb-fork.rkt", "#lang racket/base\n");
        repo.Commit("the change under test");
        repo.Git("checkout", "-q", "master");
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup>
                <PkgBuildRacket>Preinstalled</PkgBuildRacket>
              </PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="catalog" />
                <PkgBuildOverride Include="at-exp-lib" Source="{daemon.UrlOf("at-exp-lib.git")}?path=at-exp-lib" Rev="fork" />
              </ItemGroup>
            </Project>
            """);
        var catalog = workspace.PathOf("catalog");
        Entry(catalog, "at-exp-lib", $"{daemon.UrlOf("at-exp-lib.git")}?path=at-exp-lib", "base");
        Directory.CreateDirectory(workspace.PathOf("pkb-uses-at-exp"));
        File.WriteAllText(workspace.PathOf("pkb-uses-at-exp", "info.rkt"), "#lang info\n(define collection \"pkb-uses-at-exp\")\n(define deps '(\"base\" \"at-exp-lib\"))\n");
        File.WriteAllText(workspace.PathOf("pkb-uses-at-exp", "main.rkt"), "#lang at-exp racket/base\n(define x @string-append{a})\n");
        Entry(catalog, "pkb-uses-at-exp", workspace.PathOf("pkb-uses-at-exp"), "base", "at-exp-lib");

        var build = workspace.Build();

        Assert.False(build.Succeeded, build.ToString());
        var error = Assert.Single(build.Errors);
        Assert.Equal("PKB0708", error.Code);
        Assert.Equal(workspace.PathOf("pkgbuild.proj"), error.File);
        Assert.Equal(7, error.Line); // the PkgBuildOverride item
        Assert.Contains("at-exp-lib", error.Message);
        Assert.Contains("guest 'local'", error.Message);
        Assert.Contains("minimal installer", error.Message);
        Assert.Empty(build.OutputItems("PkgBuildPackageResult"));
        Assert.False(Directory.Exists(workspace.PathOf("results", "logs")));
    }

    [Fact]
    public void Packages_that_write_into_the_installation_succeed_on_this_machines_Racket()
    {
        using var workspace = SdkWorkspace.FromProjectText("""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup>
                <PkgBuildRacket>Preinstalled</PkgBuildRacket>
              </PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="catalog" />
              </ItemGroup>
            </Project>
            """);
        WriteInstallationWriters(workspace.PathOf("packages"), workspace.PathOf("catalog"));

        var build = workspace.Build();

        Assert.True(build.Succeeded, build.ToString());
        var results = build.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Result"));
        Assert.Equal(new Dictionary<string, string> { ["pkb-into-racket"] = "success", ["pkb-meta"] = "success" }, results);
        Assert.Contains(build.Messages, m => m.Contains("Packages installed already: ", StringComparison.Ordinal));
        // The meta package did install the shared files, in its own session's layer.
        Assert.Contains("shared file", File.ReadAllText(workspace.PathOf("results", "logs", "pkb-meta", "check-deps.txt")));
        Assert.False(File.Exists("/usr/share/racket/slatex.sty") && new FileInfo("/usr/share/racket/slatex.sty").LastWriteTimeUtc > DateTime.UtcNow.AddHours(-1));
    }

    [Fact]
    public void A_minimal_Racket_built_from_source_gets_raco_test_through_extra_packages_and_takes_installation_writers()
    {
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup>
                <PkgBuildInstaller>{MinimalRacket.Installer}</PkgBuildInstaller>
              </PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="catalog" />
                <PkgBuildExtraPackages Include="compiler-lib" />
              </ItemGroup>
            </Project>
            """);
        var catalog = workspace.PathOf("catalog");
        MinimalRacket.WriteCatalog(catalog, "compiler-lib");
        WriteInstallationWriters(workspace.PathOf("packages"), catalog);
        var tested = workspace.PathOf("packages", "pkb-tested");
        Directory.CreateDirectory(Path.Combine(tested, "tests"));
        File.WriteAllText(Path.Combine(tested, "info.rkt"), "#lang info\n(define collection \"pkb-tested\")\n(define deps '(\"base\"))\n(define build-deps '(\"rackunit-lib\"))\n");
        File.WriteAllText(Path.Combine(tested, "main.rkt"), "#lang racket/base\n(provide double)\n(define (double x) (* 2 x))\n");
        File.WriteAllText(Path.Combine(tested, "tests", "double-test.rkt"), "#lang racket/base\n(require rackunit pkb-tested)\n(check-equal? (double 2) 4)\n");
        Entry(catalog, "pkb-tested", tested, "base", "rackunit-lib");

        var build = workspace.Build("pkgbuild.proj", "-p:PkgBuildPackage=");

        Assert.True(build.Succeeded, build.ToString());
        var results = build.OutputItems("PkgBuildPackageResult").ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Result"));
        Assert.Equal("success", results["pkb-meta"]);
        Assert.Equal("success", results["pkb-into-racket"]);
        Assert.Equal("success", results["pkb-tested"]);
        // compiler-lib and what it needs are the Racket's now: given, not built.
        Assert.DoesNotContain("compiler-lib", results.Keys);
        Assert.DoesNotContain("rackunit-lib", results.Keys);
        var testLog = File.ReadAllText(workspace.PathOf("results", "logs", "pkb-tested", "test.txt"));
        // raco test ran the file (its rackunit check counted), which a minimal Racket cannot without compiler-lib.
        Assert.True(testLog.Contains("raco test: 1 ", StringComparison.Ordinal) && testLog.Contains("1 test passed", StringComparison.Ordinal), testLog);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
