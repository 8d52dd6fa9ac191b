using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Installers;

/// <summary>
/// The racket/racket checkout installers are built from: checked before the hours-long build starts (it
/// must be a git checkout with the installers target, and clean: the build fails late and obscurely on a
/// dirty tree), and identified by its HEAD for incrementality.
/// </summary>
public static class RacketRepository
{
    /// <summary>The HEAD commit; throws PKB0406 or PKB0405 (listing the dirty files) when the checkout cannot be used.</summary>
    public static async Task<string> CheckAsync(string repository, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(repository, "Makefile")))
        {
            throw new PkgBuildException(ErrorCodes.RacketRepoInvalid, $"PkgBuildRacketRepo '{repository}' has no Makefile: it is not a racket/racket checkout.", SourceLocation.InFile(repository));
        }
        var head = await GitAsync(repository, ["rev-parse", "HEAD"], cancellationToken).ConfigureAwait(false);
        var status = await GitAsync(repository, ["status", "--porcelain", "--untracked-files=normal"], cancellationToken).ConfigureAwait(false);
        var dirty = status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Length > 3 ? l[3..] : l).ToList();
        if (dirty.Count > 0)
        {
            throw new PkgBuildException(ErrorCodes.RacketRepoDirty,
                $"PkgBuildRacketRepo '{repository}' has uncommitted changes, and building installers fails on them (late, and not clearly): {string.Join(", ", dirty.Take(20))}{(dirty.Count > 20 ? $" and {dirty.Count - 20} more" : "")}. Commit or stash them.",
                SourceLocation.InFile(repository));
        }
        return head.Trim();
    }

    private static async Task<string> GitAsync(string repository, string[] arguments, CancellationToken cancellationToken)
    {
        ChildProcessResult result;
        try
        {
            result = await ChildProcess.RunAsync("git", ["-C", repository, .. arguments], new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(2) }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw new PkgBuildException(ErrorCodes.GitRemoteFailed, "git is not installed (or not on PATH); checking PkgBuildRacketRepo needs it.");
        }
        if (!result.Succeeded)
        {
            throw new PkgBuildException(ErrorCodes.RacketRepoInvalid, $"PkgBuildRacketRepo '{repository}' is not a git checkout: {result.Output.Trim()}", SourceLocation.InFile(repository));
        }
        return result.Output;
    }
}
