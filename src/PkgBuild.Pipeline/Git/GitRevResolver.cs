using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Git;

/// <summary>How a rev was resolved, for the log and the edit report.</summary>
public enum GitRevKind
{
    Commit,
    Branch,
    Tag,
}

public sealed record ResolvedRev(string Rev, string Commit, GitRevKind Kind);

/// <summary>
/// Resolves a branch, tag or full commit to the 40-hex commit that Racket uses as a git package's
/// checksum, with <c>git ls-remote</c>, which always asks the remote, so a moved branch head is noticed.
/// </summary>
public sealed class GitRevResolver
{
    private readonly TimeSpan _timeout;

    public GitRevResolver(TimeSpan? timeout = null) => _timeout = timeout ?? TimeSpan.FromMinutes(2);

    public async Task<ResolvedRev> ResolveAsync(string cloneUrl, string rev, CancellationToken cancellationToken = default)
    {
        if (GitCommit.IsFull(rev))
        {
            return new ResolvedRev(rev, rev, GitRevKind.Commit);
        }
        if (rev.Length == 0 || rev.StartsWith('-') || rev.Any(char.IsWhiteSpace))
        {
            throw new PkgBuildException(ErrorCodes.GitRevNotFound, $"'{rev}' is not a branch, tag or commit name.");
        }

        ChildProcessResult result;
        try
        {
            result = await ChildProcess.RunAsync(
                "git",
                ["ls-remote", "--", cloneUrl, $"refs/heads/{rev}", $"refs/tags/{rev}", $"refs/tags/{rev}^{{}}"],
                new ChildProcessOptions
                {
                    Timeout = _timeout,
                    Environment = GitEnvironment.NoPrompt,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw new PkgBuildException(ErrorCodes.GitRemoteFailed,
                $"git is not installed (or not on PATH), and resolving '{rev}' needs `git ls-remote`: install git, or give the override's Commit.");
        }
        if (!result.Succeeded)
        {
            var why = result.TimedOut ? $"no answer within {_timeout.TotalSeconds:0} s" : result.Output.Trim();
            throw new PkgBuildException(ErrorCodes.GitRemoteFailed, $"git ls-remote {cloneUrl} failed: {why}");
        }

        var refs = ParseLsRemote(result.Output);
        if (refs.TryGetValue($"refs/heads/{rev}", out var branch))
        {
            return new ResolvedRev(rev, branch, GitRevKind.Branch);
        }
        // An annotated tag names a tag object; its peeled entry (^{}) names the commit.
        if (refs.TryGetValue($"refs/tags/{rev}^{{}}", out var peeled) || refs.TryGetValue($"refs/tags/{rev}", out peeled))
        {
            return new ResolvedRev(rev, peeled, GitRevKind.Tag);
        }
        var hint = rev.All(Uri.IsHexDigit) && rev.Length < 40
            ? " An abbreviated commit cannot be resolved remotely: give all 40 hex digits."
            : "";
        throw new PkgBuildException(ErrorCodes.GitRevNotFound, $"{cloneUrl} has no branch or tag named '{rev}'.{hint}");
    }

    private static Dictionary<string, string> ParseLsRemote(string output)
    {
        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab == 40 && GitCommit.IsFull(line[..40]))
            {
                refs[line[(tab + 1)..]] = line[..40];
            }
        }
        return refs;
    }
}
