using PkgBuild.Pipeline.Git;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Archive;

/// <summary>
/// A git package source at the catalog's commit, as a zip of its <c>?path=</c> subdirectory: one bare
/// cache repository per remote, a shallow fetch of exactly that commit, then <c>git archive</c>. Only
/// argument lists reach git; the commit must be 40 hex digits and the path a plain relative path.
/// </summary>
public sealed class GitArchiver(string cacheDirectory)
{
    private readonly SemaphoreSlim _perRepository = new(1, 1);

    /// <summary>Writes the zip to <paramref name="zip"/>; returns null on success, else git's words.</summary>
    public async Task<string?> ArchiveAsync(GitSource git, string commit, string zip, CancellationToken cancellationToken)
    {
        if (!GitCommit.IsFull(commit))
        {
            return $"the checksum '{commit}' is not a full commit, so the source cannot be fetched at a known state";
        }
        var subpath = git.Subpath ?? "";
        if (subpath.Split('/').Any(p => p is ".." or ".") || subpath.StartsWith('/') || subpath.Any(char.IsControl) || subpath.StartsWith('-'))
        {
            return $"the path '{subpath}' is not a plain path inside the repository";
        }
        var repository = Path.Combine(cacheDirectory, IO.Sha256.Of(git.CloneUrl)[..16]);
        // One fetch per cache repository at a time: git locks its refs, and two fetches would race.
        await _perRepository.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Directory.Exists(repository))
            {
                var init = await Git(["init", "--quiet", "--bare", repository], cancellationToken).ConfigureAwait(false);
                if (!init.Succeeded)
                {
                    return init.Output;
                }
            }
            var have = await Git(["-C", repository, "cat-file", "-e", commit + "^{commit}"], cancellationToken).ConfigureAwait(false);
            if (!have.Succeeded)
            {
                var fetch = await Git(["-C", repository, "fetch", "--quiet", "--depth", "1", "--", git.CloneUrl, commit], cancellationToken).ConfigureAwait(false);
                if (!fetch.Succeeded)
                {
                    return $"git fetch {git.CloneUrl} {commit} failed: {fetch.Output.Trim()}";
                }
            }
        }
        finally
        {
            _perRepository.Release();
        }
        var treeish = subpath.Length == 0 ? commit : $"{commit}:{subpath}";
        Directory.CreateDirectory(Path.GetDirectoryName(zip)!);
        var archive = await Git(["-C", repository, "archive", "--format=zip", "-o", zip, treeish], cancellationToken).ConfigureAwait(false);
        return archive.Succeeded ? null : $"git archive {treeish} failed: {archive.Output.Trim()}";
    }

    private static Task<ChildProcessResult> Git(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync("git", arguments, new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(10), Environment = GitEnvironment.NoPrompt }, cancellationToken);
}
