using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Racket.Catalogs;

/// <summary>An override together with the commit its rev resolved to (the new checksum).</summary>
public sealed record ResolvedOverride(CatalogOverride Override, string Commit);

/// <summary>The edited catalog and one <see cref="CatalogEdit"/> per changed package, in name order.</summary>
public sealed record CatalogEditResult(PackageCatalog Catalog, IReadOnlyList<CatalogEdit> Edits);

/// <summary>
/// Points packages at the change under test, as the write-up did by hand: <c>source</c> becomes
/// <c>…?path=…#rev</c>, <c>checksum</c> the commit, and every <c>versions</c> entry that carries a
/// source or checksum gets the same values, because Racket lays the matching entry (the exact version,
/// else the symbol <c>default</c>, which the public catalog always has) over the top-level keys: an edit
/// of the top level alone silently does nothing.
/// </summary>
public static class CatalogEditor
{
    private static readonly RacketSymbol SourceKey = new("source");
    private static readonly RacketSymbol ChecksumKey = new("checksum");

    public static CatalogEditResult Apply(PackageCatalog catalog, IReadOnlyList<ResolvedOverride> overrides)
    {
        var claimedBy = new Dictionary<string, CatalogOverride>(StringComparer.Ordinal);
        var edited = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        var edits = new List<CatalogEdit>();
        foreach (var (spec, commit) in overrides)
        {
            foreach (var (entry, subpath) in Matches(catalog, spec))
            {
                if (claimedBy.TryGetValue(entry.Name, out var other))
                {
                    throw new PkgBuildException(ErrorCodes.OverrideConflict,
                        $"PkgBuildOverride '{spec.Name}' and PkgBuildOverride '{other.Name}' both change the package '{entry.Name}'; keep one.",
                        spec.Location);
                }
                claimedBy[entry.Name] = spec;
                var source = spec.SourceFor(subpath, spec.Rev);
                var (newEntry, rewritten) = Rewrite(entry, source, commit);
                edited[entry.Name] = newEntry;
                edits.Add(new CatalogEdit(entry.Name, spec.Name, entry.Source, entry.Checksum, source, commit, rewritten));
            }
        }
        var result = new PackageCatalog(catalog.Entries.Select(e => edited.TryGetValue(e.Name, out var changed) ? changed : e));
        return new CatalogEditResult(result, edits.OrderBy(e => e.Package, StringComparer.Ordinal).ToList());
    }

    /// <summary>The entries an override changes, each with the <c>?path=</c> its current source has.</summary>
    private static IEnumerable<(CatalogEntry Entry, string? Subpath)> Matches(PackageCatalog catalog, CatalogOverride spec)
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
            foreach (var git in GitSources(entry))
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
                $"PkgBuildOverride '{spec.Name}': no package in the catalog has its source in the repository {wanted}.{Suggest(wanted, repositories)}",
                spec.Location);
        }
        return matches;
    }

    /// <summary>The git sources an entry names: the top-level one, then those in its <c>versions</c> entries.</summary>
    private static IEnumerable<GitSource> GitSources(CatalogEntry entry)
    {
        var texts = new List<string>();
        if (entry.Source is { } top)
        {
            texts.Add(top);
        }
        if (entry.Versions is { } versions)
        {
            foreach (var (_, value) in versions.Entries)
            {
                if (value is RacketHash hash && hash.TryGetValue(SourceKey, out var s) && s is RacketString { Value: var text })
                {
                    texts.Add(text);
                }
            }
        }
        foreach (var text in texts)
        {
            if (PackageSource.Parse(text).Git is { } git)
            {
                yield return git;
            }
        }
    }

    private static (CatalogEntry Entry, IReadOnlyList<string> Rewritten) Rewrite(CatalogEntry entry, string source, string commit)
    {
        var result = entry.WithSource(source).WithChecksum(commit);
        var rewritten = new List<string>();
        if (entry.Versions is { } versions)
        {
            var newVersions = versions;
            foreach (var (key, value) in versions.Entries)
            {
                if (value is RacketHash hash && (hash.TryGetValue(SourceKey, out _) || hash.TryGetValue(ChecksumKey, out _)))
                {
                    var replaced = hash.SetItem(SourceKey, new RacketString(source)).SetItem(ChecksumKey, new RacketString(commit));
                    newVersions = newVersions.SetItem(key, replaced);
                    rewritten.Add(key is RacketString s ? s.Value : key.ToString());
                }
            }
            result = result.With("versions", newVersions);
        }
        return (result, rewritten);
    }

    private static string Suggest(string wanted, IEnumerable<string> candidates)
    {
        var close = NameSuggestions.Closest(wanted, candidates);
        return close.Count == 0 ? "" : $" Close names: {string.Join(", ", close)}.";
    }
}
