using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// One <c>PkgBuildOverride</c> as declared, checked: either one package pointed at a git source
/// (<c>Source</c>), or every package of a repository pointed at another repository
/// (<c>Repository</c> + <c>With</c>), at a rev (<c>Rev</c>, the source's fragment, or <c>Commit</c>).
/// Every mistake Racket would accept silently (a fragment before the query, an https URL without
/// <c>.git</c>) is caught here, with the corrected text in the message.
/// </summary>
public sealed record CatalogOverride
{
    /// <summary>The metadata <see cref="Parse"/> reads: any other name on a PkgBuildOverride is warned about.</summary>
    public static IReadOnlyList<string> MetadataNames { get; } = ["Source", "Repository", "With", "Rev", "Commit"];

    /// <summary>The item's name: the package (single form) or a label for the repository form.</summary>
    public required string Name { get; init; }

    /// <summary>Where the item is written, for errors.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>
    /// The metadata as written (trimmed; one not given is absent), by its name in <see cref="MetadataNames"/>:
    /// what the edit report shows.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>The new repository, with <c>?path=</c> for the single form; its rev is not set.</summary>
    public required GitSource Target { get; init; }

    /// <summary>The repository whose packages are replaced (repository form); null for the single form.</summary>
    public GitSource? Repository { get; init; }

    /// <summary>What the source's fragment will say: the branch, tag or commit as the user wrote it.</summary>
    public required string Rev { get; init; }

    /// <summary>A commit given explicitly (no <c>git ls-remote</c>), lower-case 40 hex; else null.</summary>
    public string? Commit { get; init; }

    public bool IsRepositoryForm => Repository != null;

    /// <summary>The source for a package at <paramref name="subpath"/> (repository form) or the single source, at <paramref name="rev"/>.</summary>
    public string SourceFor(string? subpath, string rev) =>
        (IsRepositoryForm ? Target with { Subpath = subpath, Rev = rev } : Target with { Rev = rev }).ToString();

    /// <summary>
    /// Checks an override as written: its name and its metadata (an empty value counts as not given).
    /// <paramref name="warn"/> receives problems that were corrected (<see cref="ErrorCodes.OverrideNotGitUrl"/>);
    /// everything else throws.
    /// </summary>
    public static CatalogOverride Parse(string name, IReadOnlyDictionary<string, string> metadata, SourceLocation location, Action<PkgBuildException> warn)
    {
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in MetadataNames)
        {
            if (metadata.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                written[key] = value.Trim();
            }
        }
        var source = written.GetValueOrDefault("Source");
        var repository = written.GetValueOrDefault("Repository");
        var with = written.GetValueOrDefault("With");
        var rev = written.GetValueOrDefault("Rev");
        var commit = written.GetValueOrDefault("Commit");
        if (!PackageName.IsValid(name))
        {
            throw Error(ErrorCodes.OverrideInvalid, location,
                $"PkgBuildOverride '{name}': the name must be a package name (ASCII letters, digits, '-' and '_').");
        }
        var singleForm = source != null;
        if (singleForm == (repository != null || with != null) || !singleForm && (repository == null || with == null))
        {
            throw Error(ErrorCodes.OverrideIncomplete, location,
                $"PkgBuildOverride '{name}' needs either Source (one package) or both Repository and With (every package of a repository); it has {Given(source, repository, with)}.");
        }

        var target = ParseGitUrl(name, singleForm ? "Source" : "With", singleForm ? source! : with!, location, warn, strict: true);
        var repositoryUrl = singleForm ? null : ParseGitUrl(name, "Repository", repository!, location, warn, strict: false);
        if (repositoryUrl is { Rev: not null } || repositoryUrl is { Subpath: not null })
        {
            throw Error(ErrorCodes.OverrideInvalid, location,
                $"PkgBuildOverride '{name}': Repository names a repository only; drop '?path=' and '#' from '{repository}' (each package keeps its own path).");
        }
        if (!singleForm && target.Subpath != null)
        {
            throw Error(ErrorCodes.OverrideInvalid, location,
                $"PkgBuildOverride '{name}': With names a repository only; drop '?path=' from '{with}' (each package keeps its own path).");
        }

        if (rev != null && target.Rev != null && rev != target.Rev)
        {
            throw Error(ErrorCodes.OverrideInvalid, location,
                $"PkgBuildOverride '{name}': Rev=\"{rev}\" contradicts the '#{target.Rev}' in the source; keep one of them.");
        }
        if (commit != null)
        {
            commit = commit.ToLowerInvariant();
            if (!GitCommit.IsFull(commit))
            {
                throw Error(ErrorCodes.OverrideInvalid, location,
                    $"PkgBuildOverride '{name}': Commit=\"{commit}\" is not a full 40-hex-digit commit; Racket compares the checksum with the full commit.");
            }
        }
        var effectiveRev = rev ?? target.Rev ?? commit
            ?? throw Error(ErrorCodes.OverrideIncomplete, location,
                $"PkgBuildOverride '{name}' has no rev: add Rev=\"<branch, tag or commit>\" (or Commit=\"<40 hex digits>\").");
        if (!IsSafeRev(effectiveRev))
        {
            throw Error(ErrorCodes.OverrideInvalid, location,
                $"PkgBuildOverride '{name}': '{effectiveRev}' is not a usable branch, tag or commit name (no spaces, control characters, '?', '#', '..' or leading '-').");
        }

        return new CatalogOverride
        {
            Name = name,
            Location = location,
            Metadata = written,
            Target = target with { Rev = null },
            Repository = repositoryUrl,
            Rev = effectiveRev,
            Commit = commit,
        };
    }

    private static GitSource ParseGitUrl(string name, string attribute, string text, SourceLocation location,
        Action<PkgBuildException> warn, bool strict)
    {
        if (PackageSource.CorrectFragmentBeforeQuery(text) is { } corrected)
        {
            throw Error(ErrorCodes.OverrideFragmentBeforeQuery, location,
                $"PkgBuildOverride '{name}': {attribute}=\"{text}\" has the fragment before the query, so Racket would look for a rev named '{text[(text.IndexOf('#') + 1)..]}'. Write {attribute}=\"{corrected}\".");
        }
        if (text.Any(char.IsControl) || text.Any(char.IsWhiteSpace))
        {
            throw Error(ErrorCodes.OverrideInvalid, location,
                $"PkgBuildOverride '{name}': {attribute} contains spaces or control characters.");
        }
        var parsed = PackageSource.Parse(text);
        if (parsed.Git is { } git)
        {
            return git;
        }
        if (parsed.Kind == PackageSourceKind.DirectoryUrl)
        {
            var withGit = AddGitSuffix(text);
            if (PackageSource.Parse(withGit).Git is { } fixedGit)
            {
                // The repository to match is only an identity, so its spelling does not matter there.
                if (strict)
                {
                    warn(Error(ErrorCodes.OverrideNotGitUrl, location,
                        $"PkgBuildOverride '{name}': Racket treats {attribute}=\"{text}\" as a directory URL, not a git repository; using \"{withGit}\". Write that to silence this warning."));
                }
                return fixedGit;
            }
        }
        throw Error(ErrorCodes.OverrideNotGitSource, location,
            $"PkgBuildOverride '{name}': {attribute}=\"{text}\" is not a git repository URL (git://, http(s)://…/repo.git, git+https:// or github://).");
    }

    /// <summary><c>https://host/user/repo/?path=x#r</c> → <c>https://host/user/repo.git?path=x#r</c>.</summary>
    private static string AddGitSuffix(string text)
    {
        var end = text.IndexOfAny(['?', '#']);
        var head = end < 0 ? text : text[..end];
        var tail = end < 0 ? "" : text[end..];
        return head.TrimEnd('/') + ".git" + tail;
    }

    private static bool IsSafeRev(string rev) =>
        rev.Length <= 255 && !rev.StartsWith('-') && !rev.Contains("..", StringComparison.Ordinal)
        && rev.All(c => c > ' ' && c != '\u007f' && c is not ('?' or '#' or '\\' or '~' or '^' or ':' or '[' or '*'));

    private static string Given(string? source, string? repository, string? with)
    {
        var given = new[] { ("Source", source), ("Repository", repository), ("With", with) }.Where(p => p.Item2 != null).Select(p => p.Item1).ToList();
        return given.Count == 0 ? "none of them" : string.Join(" and ", given);
    }

    private static PkgBuildException Error(string code, SourceLocation location, string message) => new(code, message, location);
}
