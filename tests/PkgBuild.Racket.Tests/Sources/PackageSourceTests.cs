using PkgBuild.Racket.Sources;
using PkgBuild.Testing;

namespace PkgBuild.Racket.Tests.Sources;

public sealed class PackageSourceTests
{
    private static readonly string[] Samples =
    [
        "typed-racket-lib",
        "https://github.com/racket/typed-racket",
        "https://github.com/racket/typed-racket.git",
        "https://github.com/racket/typed-racket.git?path=typed-racket-lib",
        "https://github.com/racket/typed-racket.git?path=typed-racket-lib#opaque",
        "git://github.com/racket/typed-racket/?path=typed-racket-lib",
        "git://github.com/racket/typed-racket?path=typed-racket-lib#master",
        "github://github.com/racket/typed-racket/master/typed-racket-lib",
        "git+https://example.org/x/repo?path=a/b",
        "https://gitlab.com/user/repo",
        "http://example.org/x/repo.git/",
        "https://example.org/pkgs/p.zip",
        "https://example.org/pkgs/p.tgz",
        "https://example.org/pkgs/p",
        "../pkgs/p.zip",
        "/abs/dir",
        "git://127.0.0.1:9418/repo.git?path=sub#abc",
    ];

    [Fact]
    public void Classifies_sources_as_raco_pkg_does()
    {
        var script = "#lang racket/base\n(require pkg/name)\n" +
            "(for ([s (in-port read)]) (define-values (n t) (package-source->name+type s #f)) (printf \"~a\\n\" t))";
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("classify.rkt"), script);
        var input = string.Join("\n", Samples.Select(s => "\"" + s + "\""));

        var result = ProcessRunner.Run("racket", [dir.Combine("classify.rkt")], standardInput: input, timeout: TimeSpan.FromMinutes(2));

        Assert.Equal(0, result.ExitCode);
        var racoKinds = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Samples.Length, racoKinds.Length);
        foreach (var (source, raco) in Samples.Zip(racoKinds))
        {
            var expected = raco switch
            {
                "name" => PackageSourceKind.Name,
                "file" => PackageSourceKind.File,
                "dir" => PackageSourceKind.Directory,
                "file-url" => PackageSourceKind.FileUrl,
                "dir-url" => PackageSourceKind.DirectoryUrl,
                "git" or "git-url" => PackageSourceKind.Git,
                "github" => PackageSourceKind.GitHub,
                _ => PackageSourceKind.Unknown,
            };
            Assert.True(expected == PackageSource.Parse(source).Kind, $"{source}: raco says {raco}, we say {PackageSource.Parse(source).Kind}");
        }
    }

    [Theory]
    [InlineData("git://github.com/racket/typed-racket/?path=typed-racket-lib")]
    [InlineData("https://github.com/racket/typed-racket.git?path=typed-racket-lib#v8.7")]
    [InlineData("github://github.com/racket/typed-racket/master/typed-racket-lib")]
    [InlineData("https://GitHub.com/Racket/Typed-Racket.git")]
    public void Every_form_of_one_repository_has_the_same_key(string source)
    {
        var git = PackageSource.Parse(source).Git;

        Assert.NotNull(git);
        Assert.Equal("github.com/racket/typed-racket", git.RepositoryKey);
    }

    [Theory]
    [InlineData("git://github.com/racket/typed-racket/?path=typed-racket-lib#master")]
    [InlineData("https://github.com/racket/typed-racket.git?path=typed-racket-lib#opaque")]
    [InlineData("github://github.com/racket/typed-racket/master/typed-racket-lib")]
    [InlineData("git+https://example.org/x/repo?path=a/b")]
    [InlineData("git://127.0.0.1:9418/repo.git?path=sub#0123456789abcdef0123456789abcdef01234567")]
    public void Writes_a_git_source_back_unchanged(string source)
    {
        Assert.Equal(source, PackageSource.Parse(source).Git!.ToString());
    }

    [Fact]
    public void Takes_the_parts_of_a_git_source_apart()
    {
        var git = PackageSource.Parse("git://127.0.0.1:9418/repo.git?path=sub/dir#abc").Git!;

        Assert.Equal("127.0.0.1", git.Host);
        Assert.Equal("/repo", git.RepositoryPath);
        Assert.Equal("sub/dir", git.Subpath);
        Assert.Equal("abc", git.Rev);
        Assert.Equal("git://127.0.0.1:9418/repo.git", git.CloneUrl);
        Assert.Equal("https://github.com/racket/typed-racket.git",
            PackageSource.Parse("github://github.com/racket/typed-racket/master/typed-racket-lib").Git!.CloneUrl);
    }

    [Theory]
    [InlineData("https://github.com/me/tr.git#opaque?path=typed-racket-lib", "https://github.com/me/tr.git?path=typed-racket-lib#opaque")]
    [InlineData("https://github.com/me/tr.git?path=typed-racket-lib#opaque", null)]
    [InlineData("https://github.com/me/tr.git#opaque", null)]
    public void Corrects_a_fragment_written_before_the_query(string source, string? corrected)
    {
        Assert.Equal(corrected, PackageSource.CorrectFragmentBeforeQuery(source));
    }

    [Theory]
    [InlineData("typed-racket-lib", true)]
    [InlineData("a_b-9", true)]
    [InlineData("", false)]
    [InlineData("../etc", false)]
    [InlineData("a b", false)]
    [InlineData("a;rm -rf", false)]
    [InlineData("é", false)]
    [InlineData("a/b", false)]
    public void Accepts_only_letters_digits_dash_and_underscore_as_package_names(string name, bool valid)
    {
        Assert.Equal(valid, PackageName.IsValid(name));
    }
}
