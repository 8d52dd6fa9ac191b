using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;
using PkgBuild.Pipeline.IO;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// Copies catalogs, in precedence order, into one directory catalog, as <c>raco pkg catalog-copy</c> does:
/// the first catalog that has a name supplies its whole entry, relative sources become absolute, unknown
/// keys are kept. An HTTP catalog costs one <c>pkgs-all</c> request, or, when it has none, <c>pkgs</c> and
/// then <c>pkg/&lt;name&gt;</c> with bounded parallelism. The destination is replaced only once the copy is
/// complete, so a failed copy leaves the previous one in place.
/// </summary>
public sealed class CatalogCopier(CatalogHttpClient http, Action<string> warn)
{
    /// <summary>How many <c>pkg/&lt;name&gt;</c> requests run at once against a catalog without <c>pkgs-all</c>.</summary>
    public int MaxParallelRequests { get; init; } = 8;

    public async Task<PackageCatalog> CopyAsync(IReadOnlyList<string> sources, string destination, string? racketVersion,
        CancellationToken cancellationToken = default)
    {
        var catalogs = new List<PackageCatalog>();
        foreach (var source in sources)
        {
            catalogs.Add(await ReadAsync(source, racketVersion, cancellationToken).ConfigureAwait(false));
        }
        var combined = PackageCatalog.Combine(catalogs);
        AtomicDirectory.Replace(destination, staging => DirectoryCatalog.Write(combined, staging));
        return combined;
    }

    /// <summary>One source catalog: an http(s) URL, a <c>file://</c> URL or a directory path.</summary>
    public async Task<PackageCatalog> ReadAsync(string source, string? racketVersion, CancellationToken cancellationToken = default)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            var catalogBase = CatalogUrl.ParseBase(source, out var slashAdded);
            if (slashAdded)
            {
                warn($"The catalog URL '{source}' has no trailing '/'; using '{catalogBase}' (Racket's client would ask for the wrong paths).");
            }
            return await ReadHttpAsync(catalogBase, racketVersion, cancellationToken).ConfigureAwait(false);
        }
        var directory = uri is { IsFile: true } ? uri.LocalPath : Path.GetFullPath(source);
        var directoryBase = new Uri(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar);
        var catalog = DirectoryCatalog.Read(directory, name => warn(InvalidName(name, directory)));
        return new PackageCatalog(catalog.Entries.Select(e => e.WithRelativeSourceResolved(directoryBase)));
    }

    private async Task<PackageCatalog> ReadHttpAsync(Uri catalogBase, string? racketVersion, CancellationToken cancellationToken)
    {
        var allUrl = CatalogUrl.PkgsAll(catalogBase, racketVersion);
        var all = await http.GetAsync(allUrl, cancellationToken: cancellationToken).ConfigureAwait(false);
        var entries = new List<CatalogEntry>();
        if (!all.NotFound)
        {
            using var reader = BodyReader(all);
            foreach (var (key, value) in reader.ReadHashEntries())
            {
                if (key is not RacketString { Value: var name } || !PackageName.IsValid(name))
                {
                    warn(InvalidName(key.ToString(), allUrl.ToString()));
                    continue;
                }
                entries.Add(CatalogEntry.FromDatum(name, value).WithRelativeSourceResolved(catalogBase));
            }
            return new PackageCatalog(entries);
        }

        var namesUrl = CatalogUrl.Pkgs(catalogBase, racketVersion);
        var names = await http.GetAsync(namesUrl, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (names.NotFound)
        {
            throw new PkgBuildException(ErrorCodes.CatalogHttpError,
                $"'{catalogBase}' is not a catalog: it has neither pkgs-all nor pkgs.", SourceLocation.InFile(catalogBase.ToString()));
        }
        using var namesReader = BodyReader(names);
        var list = namesReader.ReadSingle();
        if (list is not RacketList { IsProper: true } nameList)
        {
            throw new PkgBuildException(ErrorCodes.DataUnexpectedShape, "A catalog's pkgs is a list of package names.", list.Location);
        }
        var valid = new List<string>();
        foreach (var item in nameList.Items)
        {
            if (item is RacketString { Value: var name } && PackageName.IsValid(name))
            {
                valid.Add(name);
            }
            else
            {
                warn(InvalidName(item.ToString(), namesUrl.ToString()));
            }
        }
        var fetched = new CatalogEntry?[valid.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, valid.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelRequests, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var url = CatalogUrl.Pkg(catalogBase, valid[i], racketVersion);
                var result = await http.GetAsync(url, cancellationToken: token).ConfigureAwait(false);
                if (result.NotFound)
                {
                    return; // listed but gone: raco skips it too
                }
                using var reader = BodyReader(result);
                fetched[i] = CatalogEntry.FromDatum(valid[i], reader.ReadSingle()).WithRelativeSourceResolved(catalogBase);
            }).ConfigureAwait(false);
        return new PackageCatalog(fetched.OfType<CatalogEntry>());
    }

    /// <summary>A reader over a response body: strict UTF-8, with the URL as the file in error positions.</summary>
    private static DatumReader BodyReader(HttpFetchResult result) =>
        new(new MemoryStream(result.Body ?? []), result.Url.ToString());

    private static string InvalidName(string name, string where) =>
        $"Skipped the catalog entry {name} in {where}: package names are ASCII letters, digits, '-' and '_'.";
}
