using PkgBuild.Testing.Git;

namespace PkgBuild.Testing.RacketRepo;

/// <summary>
/// A STAND-IN racket/racket checkout (building Racket takes hours): a clean git repository whose Makefile
/// has the installers and site-from-installers targets with the real one's variables and outputs.
/// </summary>
public sealed class RacketRepoStandIn : IDisposable
{
    private readonly TempDirectory _dir = new("pkgbuild-racket-repo");

    public RacketRepoStandIn()
    {
        Repository = GitRepository.Init(_dir.Path);
        var here = System.IO.Path.Combine(AppContext.BaseDirectory, "RacketRepo");
        Repository.WriteFile("Makefile", File.ReadAllText(System.IO.Path.Combine(here, "Makefile.standin")));
        Repository.WriteFile(".gitignore", File.ReadAllText(System.IO.Path.Combine(here, "gitignore.standin")));
        Repository.Commit("stand-in racket/racket");
    }

    public GitRepository Repository { get; }

    public string Path => _dir.Path;

    /// <summary>How many times `make installers` ran.</summary>
    public int Runs => File.Exists(_dir.Combine("build", "runs.log")) ? File.ReadAllLines(_dir.Combine("build", "runs.log")).Length : 0;

    public void Dispose() => _dir.Dispose();
}
