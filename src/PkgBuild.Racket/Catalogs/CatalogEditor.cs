using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// Points packages at the change under test, as a person editing a copied catalog by hand would:
/// <c>source</c> becomes <c>…?path=…#rev</c>, <c>checksum</c> the commit, and so do the <c>versions</c>
/// entries Racket would lay over them for the version under test (the exact version string, and the symbol
/// <c>default</c>, which the public catalog always has): an edit of the top level alone silently does
/// nothing. A repository override matches the sources Racket would use (the top level, or that versions
/// entry), never the entries Racket ignores (a string "default", other versions).
/// </summary>
public static class CatalogEditor
{
    private static readonly RacketSymbol SourceKey = new("source");
    private static readonly RacketSymbol ChecksumKey = new("checksum");

    private static readonly RacketSymbol DefaultKey = new("default");

    public static CatalogEditResult Apply(PackageCatalog catalog, IReadOnlyList<ResolvedOverride> overrides, string racketVersion)
    {
        var versionKey = new RacketString(racketVersion);
        var claimedBy = new Dictionary<string, CatalogOverride>(StringComparer.Ordinal);
        var edited = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        var edits = new List<CatalogEdit>();
        foreach (var (spec, commit, _) in overrides)
        {
            foreach (var (entry, subpath) in Matches(catalog, spec, racketVersion))
            {
                if (claimedBy.TryGetValue(entry.Name, out var other))
                {
                    throw new PkgBuildException(ErrorCodes.OverrideConflict,
                        $"PkgBuildOverride '{spec.Name}' and PkgBuildOverride '{other.Name}' both change the package '{entry.Name}'; keep one.",
                        spec.Location);
                }
                claimedBy[entry.Name] = spec;
                var source = spec.SourceFor(subpath, spec.Rev);
                var (newEntry, rewritten) = Rewrite(entry, source, commit, versionKey);
                edited[entry.Name] = newEntry;
                edits.Add(new CatalogEdit(entry.Name, spec.Name, entry.Source, entry.Checksum, source, commit, rewritten));
            }
        }
        var result = new PackageCatalog(catalog.Entries.Select(e => edited.TryGetValue(e.Name, out var changed) ? changed : e));
        return new CatalogEditResult(result, edits.OrderBy(e => e.Package, StringComparer.Ordinal).ToList());
    }

    /// <summary>The entries an override changes, each with the <c>?path=</c> its current source has.</summary>
    private static IEnumerable<(CatalogEntry Entry, string? Subpath)> Matches(PackageCatalog catalog, CatalogOverride spec, string racketVersion)
    {
        if (!spec.IsRepositoryForm)
        {
            var entry = catalog[spec.Name];
            if (entry == null)
            {
                throw new PkgBuildException(ErrorCodes.OverrideMatchesNothing,
                    $"PkgBuildOverride '{spec.Name}': the catalog has no package named '{spec.Name}'.{Suggest(spec.Name, catalog.Names)}",
                    spec.Location);
            }
            return [(entry, spec.Target.Subpath)];
        }

        var wanted = spec.Repository!.RepositoryKey;
        var matches = new List<(CatalogEntry, string?)>();
        var repositories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in catalog.Entries)
        {
            foreach (var git in GitSources(entry, racketVersion))
            {
                repositories.Add(git.RepositoryKey);
                if (git.RepositoryKey == wanted)
                {
                    matches.Add((entry, git.Subpath));
                    break;
                }
            }
        }
        if (matches.Count == 0)
        {
            throw new PkgBuildException(ErrorCodes.OverrideMatchesNothing,
                $"PkgBuildOverride '{spec.Name}': no package in the catalog has its source in the repository {wanted}.{SuggestRepositories(wanted, repositories)}",
                spec.Location);
        }
        return matches;
    }

    /// <summary>The git sources Racket would use for an entry: what <paramref name="racketVersion"/> sees, then the top level.</summary>
    private static IEnumerable<GitSource> GitSources(CatalogEntry entry, string racketVersion)
    {
        foreach (var text in new[] { entry.ForVersion(racketVersion).Source, entry.Source }.OfType<string>().Distinct())
        {
            if (PackageSource.Parse(text).Git is { } git)
            {
                yield return git;
            }
        }
    }

    private static (CatalogEntry Entry, IReadOnlyList<string> Rewritten) Rewrite(CatalogEntry entry, string source, string commit, RacketString versionKey)
    {
        var result = entry.WithSource(source).WithChecksum(commit);
        var rewritten = new List<string>();
        if (entry.Versions is { } versions)
        {
            var newVersions = versions;
            foreach (var key in new Datum[] { versionKey, DefaultKey })
            {
                if (versions.TryGetValue(key, out var value) && value is RacketHash hash
                    && (hash.ContainsKey(SourceKey) || hash.ContainsKey(ChecksumKey)))
                {
                    newVersions = newVersions.SetItem(key, hash.SetItem(SourceKey, new RacketString(source)).SetItem(ChecksumKey, new RacketString(commit)));
                    rewritten.Add(DatumWriter.WriteToString(key)); // as Racket writes it: default, "8.7"
                }
            }
            result = result.With("versions", newVersions);
        }
        return (result, rewritten);
    }

    private static string SuggestRepositories(string wanted, IReadOnlyCollection<string> repositories) => repositories.Count == 0
        ? " No package in it has a git source."
        : $" The catalog's repositories closest to it: {string.Join(", ", NameSuggestions.NearestRepositories(wanted, repositories))}.";

    private static string Suggest(string wanted, IEnumerable<string> candidates)
    {
        var close = NameSuggestions.Closest(wanted, candidates);
        return close.Count == 0 ? "" : $" Close names: {string.Join(", ", close)}.";
    }
}
