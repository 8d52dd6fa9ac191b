using PkgBuild.Testing.Racket;

namespace PkgBuild.Testing.Git;

/// <summary>
/// Testing a Typed Racket pull request against the catalog, in miniature, served by a real
/// <c>git daemon</c> on 127.0.0.1: an upstream repository <c>typed-racket</c> holding two packages (<c>tr-lib</c>,
/// and <c>tr-more</c> which depends on it), a fork with the change under test on branch <c>opaque</c>, an
/// unrelated repository <c>other</c>, and a directory catalog of the three packages written by the real
/// <c>raco pkg catalog-copy</c>. The catalog spells the upstream repository two ways
/// (<c>…/typed-racket/?path=</c> and <c>…/typed-racket.git?path=</c>) and has the public catalog's
/// <c>versions</c> <c>default</c> entry.
/// </summary>
public sealed class OverrideRepositories : IDisposable
{
    private readonly GitDaemon _daemon = new();

    public OverrideRepositories(string workDirectory)
    {
        var upstream = _daemon.CreateRepository("typed-racket.git");
        WritePackage(upstream, "tr-lib", "upstream", []);
        WritePackage(upstream, "tr-more", "upstream", ["tr-lib"]);
        UpstreamCommit = upstream.Commit("upstream");

        var fork = _daemon.CreateRepository("typed-racket-fork");
        WritePackage(fork, "tr-lib", "upstream", []);
        WritePackage(fork, "tr-more", "upstream", ["tr-lib"]);
        fork.Commit("upstream");
        fork.Git("checkout", "-q", "-b", "opaque");
        WritePackage(fork, "tr-lib", "opaque", []);
        WritePackage(fork, "tr-more", "opaque", ["tr-lib"]);
        ForkCommit = fork.Commit("the change under test");
        fork.Git("checkout", "-q", "master");

        var other = _daemon.CreateRepository("other");
        WritePackage(other, "other-lib", "other", []);
        OtherCommit = other.Commit("other");

        var generated = Path.Combine(workDirectory, "generated-catalog");
        Directory.CreateDirectory(Path.Combine(generated, "pkg"));
        WriteEntry(generated, "tr-lib", $"{Host}/typed-racket/?path=tr-lib", UpstreamCommit);
        WriteEntry(generated, "tr-more", $"{Host}/typed-racket.git?path=tr-more", UpstreamCommit);
        WriteEntry(generated, "other-lib", $"{Host}/other?path=other-lib", OtherCommit);
        CatalogDirectory = Path.Combine(workDirectory, "catalog");
        RacketRunner.Raco("pkg", "catalog-copy", generated, CatalogDirectory);
    }

    /// <summary><c>git://127.0.0.1:PORT</c>.</summary>
    public string Host => $"git://127.0.0.1:{_daemon.Port}";

    public string UpstreamUrl => $"{Host}/typed-racket";

    public string ForkUrl => $"{Host}/typed-racket-fork";

    public string UpstreamCommit { get; }

    public string ForkCommit { get; }

    public string OtherCommit { get; }

    /// <summary>The raco-written directory catalog of tr-lib, tr-more and other-lib.</summary>
    public string CatalogDirectory { get; }

    public void Dispose() => _daemon.Dispose();

    /// <summary>A package whose module says which side of the change it is: <c>(marker)</c> returns <paramref name="marker"/>.</summary>
    private static void WritePackage(GitRepository repo, string name, string marker, string[] deps)
    {
        var depList = string.Join(' ', new[] { "base" }.Concat(deps).Select(d => $"\"{d}\""));
        repo.WriteFile($"{name}/info.rkt", $"#lang info\n(define collection \"{name}\")\n(define deps '({depList}))\n(define build-deps '())\n");
        repo.WriteFile($"{name}/main.rkt", $"#lang racket/base\n(provide marker)\n(define (marker) \"{marker}\")\n");
    }

    private static void WriteEntry(string catalog, string name, string source, string checksum) =>
        File.WriteAllText(Path.Combine(catalog, "pkg", name),
            $"#hash((name . \"{name}\") (source . \"{source}\") (checksum . \"{checksum}\") (author . \"test@pkgbuild.invalid\") " +
            $"(versions . #hash((default . #hasheq((source . \"{source}\") (checksum . \"{checksum}\"))))))");
}
