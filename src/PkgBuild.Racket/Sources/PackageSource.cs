namespace PkgBuild.Racket.Sources;

/// <summary>
/// A package source string classified the way <c>raco pkg</c> classifies it, with the git parts taken
/// apart when it names a git repository.
/// </summary>
public sealed record PackageSource(string Text, PackageSourceKind Kind, GitSource? Git)
{
    private static readonly string[] ArchiveSuffixes = [".zip", ".tgz", ".tar.gz", ".tar", ".plt"];

    public static PackageSource Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (PackageName.IsValid(text))
        {
            return new PackageSource(text, PackageSourceKind.Name, null);
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            var kind = text.Length == 0 ? PackageSourceKind.Unknown
                : HasArchiveSuffix(text) ? PackageSourceKind.File
                : PackageSourceKind.Directory;
            return new PackageSource(text, kind, null);
        }

        var scheme = text[..schemeEnd].ToLowerInvariant();
        var rest = text[(schemeEnd + 3)..];
        SplitQueryAndFragment(rest, out var beforeQuery, out var subpath, out var rev);
        var slash = beforeQuery.IndexOf('/');
        var authority = slash < 0 ? beforeQuery : beforeQuery[..slash];
        var path = slash < 0 ? "" : beforeQuery[slash..];
        if (authority.Length == 0)
        {
            return new PackageSource(text, PackageSourceKind.Unknown, null);
        }

        switch (scheme)
        {
            case "github":
                return ParseGitHubScheme(text, authority, path, subpath, rev);
            case "git":
            case "git+http":
            case "git+https":
            {
                var git = MakeGit(scheme, authority, path, subpath, rev);
                var kind = scheme == "git" && git.IsGitHub ? PackageSourceKind.GitHub : PackageSourceKind.Git;
                return new PackageSource(text, kind, git);
            }
            case "http":
            case "https":
            {
                var trimmed = path.TrimEnd('/');
                if (trimmed.EndsWith(".git", StringComparison.Ordinal))
                {
                    return new PackageSource(text, PackageSourceKind.Git, MakeGit(scheme, authority, path, subpath, rev));
                }
                var kind = HasArchiveSuffix(trimmed) ? PackageSourceKind.FileUrl : PackageSourceKind.DirectoryUrl;
                return new PackageSource(text, kind, null);
            }
            case "file":
                return new PackageSource(text, HasArchiveSuffix(path) ? PackageSourceKind.File : PackageSourceKind.Directory, null);
            default:
                return new PackageSource(text, PackageSourceKind.Unknown, null);
        }
    }

    /// <summary>
    /// Racket takes everything after <c>#</c> as the rev, so <c>repo#rev?path=sub</c> asks for a branch
    /// named <c>rev?path=sub</c>. Returns the corrected text (<c>repo?path=sub#rev</c>), or null when the
    /// source does not have that mistake.
    /// </summary>
    public static string? CorrectFragmentBeforeQuery(string text)
    {
        var hash = text.IndexOf('#');
        if (hash < 0)
        {
            return null;
        }
        var query = text.IndexOf('?', hash);
        if (query < 0)
        {
            return null;
        }
        var rev = text[(hash + 1)..query];
        return $"{text[..hash]}{text[query..]}#{rev}";
    }

    private static void SplitQueryAndFragment(string rest, out string beforeQuery, out string? subpath, out string? rev)
    {
        var hash = rest.IndexOf('#');
        rev = hash < 0 ? null : rest[(hash + 1)..];
        var beforeFragment = hash < 0 ? rest : rest[..hash];
        var question = beforeFragment.IndexOf('?');
        beforeQuery = question < 0 ? beforeFragment : beforeFragment[..question];
        subpath = null;
        if (question >= 0)
        {
            foreach (var pair in beforeFragment[(question + 1)..].Split('&'))
            {
                if (pair.StartsWith("path=", StringComparison.Ordinal))
                {
                    subpath = pair["path=".Length..];
                }
            }
        }
    }

    private static GitSource MakeGit(string scheme, string authority, string path, string? subpath, string? rev)
    {
        var trailingSlash = path.EndsWith('/');
        var repo = path.TrimEnd('/');
        var gitSuffix = repo.EndsWith(".git", StringComparison.Ordinal);
        if (gitSuffix)
        {
            repo = repo[..^4];
        }
        return new GitSource
        {
            Scheme = scheme,
            Authority = authority,
            RepositoryPath = repo,
            GitSuffix = gitSuffix,
            TrailingSlash = trailingSlash,
            Subpath = string.IsNullOrEmpty(subpath) ? null : subpath,
            Rev = string.IsNullOrEmpty(rev) ? null : rev,
        };
    }

    /// <summary><c>github://github.com/&lt;user&gt;/&lt;repo&gt;/&lt;rev&gt;[/&lt;path&gt;]</c>.</summary>
    private static PackageSource ParseGitHubScheme(string text, string authority, string path, string? subpath, string? rev)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return new PackageSource(text, PackageSourceKind.Unknown, null);
        }
        var repoName = segments[1].EndsWith(".git", StringComparison.Ordinal) ? segments[1][..^4] : segments[1];
        var git = new GitSource
        {
            Scheme = "github",
            Authority = authority,
            RepositoryPath = $"/{segments[0]}/{repoName}",
            Rev = segments.Length > 2 ? segments[2] : rev,
            Subpath = segments.Length > 3 ? string.Join('/', segments[3..]) : subpath,
        };
        return new PackageSource(text, PackageSourceKind.GitHub, git);
    }

    private static bool HasArchiveSuffix(string path) =>
        ArchiveSuffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));
}
