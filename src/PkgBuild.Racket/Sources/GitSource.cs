namespace PkgBuild.Racket.Sources;

/// <summary>
/// A git package source taken apart: repository, <c>?path=</c> subdirectory and <c>#rev</c> fragment,
/// in any of the forms Racket accepts (<c>git://</c>, <c>http(s)://…/repo.git</c>, <c>git+https://</c>,
/// <c>github://github.com/user/repo/rev/path</c>). <see cref="ToString"/> writes it back in the same
/// form, always with the query before the fragment.
/// </summary>
public sealed record GitSource
{
    /// <summary><c>git</c>, <c>http</c>, <c>https</c>, <c>git+http</c>, <c>git+https</c> or <c>github</c>.</summary>
    public required string Scheme { get; init; }

    /// <summary>Host, with <c>:port</c> when the source has one.</summary>
    public required string Authority { get; init; }

    /// <summary>The repository path without a trailing <c>/</c> or <c>.git</c>: <c>/racket/typed-racket</c>.</summary>
    public required string RepositoryPath { get; init; }

    /// <summary>Whether the source spells the repository with <c>.git</c>.</summary>
    public bool GitSuffix { get; init; }

    /// <summary>Whether the repository path ends with <c>/</c> (kept so a rewrite changes nothing else).</summary>
    public bool TrailingSlash { get; init; }

    /// <summary>The <c>?path=</c> subdirectory holding the package, or null for the repository root.</summary>
    public string? Subpath { get; init; }

    /// <summary>The fragment: a branch, tag or commit. For a catalog install only a hint; the checksum decides.</summary>
    public string? Rev { get; init; }

    /// <summary>True for Racket's GitHub forms, which it fetches through GitHub's own protocol.</summary>
    public bool IsGitHub => Scheme == "github" || Host.Equals("github.com", StringComparison.OrdinalIgnoreCase) && Scheme == "git";

    public string Host => Authority.Split(':')[0];

    /// <summary>
    /// Identifies the repository whatever form a catalog uses for it: host and path, without scheme,
    /// <c>.git</c> or trailing slash. GitHub paths are compared without case, as GitHub does.
    /// </summary>
    public string RepositoryKey
    {
        get
        {
            var host = Authority.ToLowerInvariant();
            var path = host == "github.com" ? RepositoryPath.ToLowerInvariant() : RepositoryPath;
            return host + path;
        }
    }

    /// <summary>The URL that <c>git clone</c> / <c>git ls-remote</c> understands for this repository.</summary>
    public string CloneUrl
    {
        get
        {
            var scheme = Scheme switch
            {
                "github" => "https",
                "git+http" => "http",
                "git+https" => "https",
                _ => Scheme,
            };
            var suffix = GitSuffix || Scheme == "github" ? ".git" : "";
            return $"{scheme}://{Authority}{RepositoryPath}{suffix}";
        }
    }

    public override string ToString()
    {
        if (Scheme == "github")
        {
            // github://github.com/<user>/<repo>/<rev>[/<path>]: rev and path are path segments.
            var rev = Rev ?? "master";
            var sub = string.IsNullOrEmpty(Subpath) ? "" : "/" + Subpath;
            return $"github://{Authority}{RepositoryPath}/{rev}{sub}";
        }
        var text = $"{Scheme}://{Authority}{RepositoryPath}{(GitSuffix ? ".git" : "")}{(TrailingSlash ? "/" : "")}";
        if (!string.IsNullOrEmpty(Subpath))
        {
            text += "?path=" + Subpath;
        }
        if (!string.IsNullOrEmpty(Rev))
        {
            text += "#" + Rev;
        }
        return text;
    }
}
