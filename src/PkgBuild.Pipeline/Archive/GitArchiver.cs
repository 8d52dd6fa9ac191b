using System.Net;
using System.Net.Sockets;
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

    /// <summary>
    /// Writes the zip to <paramref name="zip"/>; returns null on success, else git's words. With a
    /// <paramref name="policy"/> (a remote catalog's source), the host is checked first and git reaches only
    /// the addresses checked; a refused host throws <see cref="SourceHostRefusedException"/> before git runs.
    /// </summary>
    public async Task<string?> ArchiveAsync(GitSource git, string commit, string zip, SourceHostPolicy? policy, CancellationToken cancellationToken)
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
        var (pinning, fetchUrl) = policy == null ? ([], git.CloneUrl) : await PinnedAsync(git, policy, cancellationToken).ConfigureAwait(false);
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
                var fetch = await Git([.. pinning, "-C", repository, "fetch", "--quiet", "--depth", "1", "--", fetchUrl, commit], cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The git options and URL that make git connect to exactly the addresses <paramref name="policy"/>
    /// checked, so a name cannot resolve to this machine between the check and git's own lookup. http(s):
    /// curl is told the addresses (the name stays in the URL, for TLS and virtual hosts), does not follow
    /// redirects (git would follow one to an unchecked host; a moved repository must be named where it
    /// is now) and uses no proxy (which would resolve for us). git://: the URL names the checked address
    /// itself; a daemon then sees the address rather than the name in the request's host field, which
    /// matters only to daemons that serve several hosts from one address. What remains is the user's own
    /// git configuration: a <c>core.gitProxy</c> command for git:// connects wherever it was written to.
    /// </summary>
    private static async Task<(string[] Options, string Url)> PinnedAsync(GitSource git, SourceHostPolicy policy, CancellationToken cancellationToken)
    {
        var url = new Uri(git.CloneUrl);
        var port = SourceHostPolicy.DefaultPort(url);
        var addresses = await policy.CheckAsync(url.Host, port, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new IOException($"{url.Host} has no address");
        }
        if (url.Scheme is "http" or "https")
        {
            var pinned = string.Join(",", addresses.Select(Literal));
            return (["-c", $"http.curloptResolve={url.IdnHost}:{port}:{pinned}", "-c", "http.followRedirects=false", "-c", "http.proxy="], git.CloneUrl);
        }
        var rest = git.CloneUrl[$"{url.Scheme}://{git.Authority}".Length..];
        return ([], $"{url.Scheme}://{Literal(addresses[0])}:{port}{rest}");
    }

    private static string Literal(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static Task<ChildProcessResult> Git(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync("git", arguments, new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(10), Environment = GitEnvironment.NoPrompt }, cancellationToken);
}
