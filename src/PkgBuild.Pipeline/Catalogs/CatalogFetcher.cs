using System.Security.Cryptography;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// The network half of CopyCatalog: brings every source catalog's entries into a local snapshot and
/// fingerprints them, asking an HTTP catalog "changed since?" (ETag, Last-Modified) when an earlier
/// snapshot exists. An HTTP catalog costs one <c>pkgs-all</c> request, or, when it has none, <c>pkgs</c>
/// and then <c>pkg/&lt;name&gt;</c> with bounded parallelism. Directory catalogs are fingerprinted in place.
/// </summary>
public sealed class CatalogFetcher(CatalogHttpClient http, Action<PkgBuildException> warn, CatalogProgress? progress = null)
{
    private readonly CatalogProgress _progress = progress ?? new CatalogProgress();

    /// <summary>How many <c>pkg/&lt;name&gt;</c> requests run at once against a catalog without <c>pkgs-all</c>.</summary>
    public required int MaxParallelRequests { get; init; }

    /// <summary>
    /// Fetches <paramref name="sources"/> (precedence order) into <paramref name="stateDirectory"/>.
    /// With <paramref name="refresh"/>, earlier snapshots are not trusted: everything is downloaded again.
    /// Nothing of the previous state is lost when a source fails.
    /// </summary>
    public async Task<CatalogFetchState> FetchAsync(IReadOnlyList<string> sources, string? racketVersion, string stateDirectory,
        bool refresh = false, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(stateDirectory);
        // Only an HTTP source uses what the previous fetch left (its validators); directories are hashed in place.
        var anyHttp = sources.Any(s => Uri.TryCreate(s, UriKind.Absolute, out var uri) && IsHttp(uri));
        var previous = refresh || !anyHttp ? null : CatalogFetchState.TryLoad(stateDirectory);
        if (previous != null && previous.RacketVersion != racketVersion)
        {
            previous = null; // ?version= changes what a catalog answers
        }
        var snapshots = new List<CatalogSourceSnapshot>();
        foreach (var source in sources)
        {
            var earlier = previous?.Sources.FirstOrDefault(s => s.Source == source);
            snapshots.Add(await FetchOneAsync(source, racketVersion, stateDirectory, earlier, cancellationToken).ConfigureAwait(false));
        }
        var state = new CatalogFetchState { RacketVersion = racketVersion, Sources = snapshots };
        // Directory sources are all in the fingerprint: when it is unchanged, so is the saved state.
        if (anyHttp || !state.IsSaved(stateDirectory))
        {
            state.Save(stateDirectory);
        }
        DeleteUnusedSnapshots(stateDirectory, snapshots);
        return state;
    }

    private async Task<CatalogSourceSnapshot> FetchOneAsync(string source, string? racketVersion, string stateDirectory,
        CatalogSourceSnapshot? earlier, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri))
        {
            uri = null;
        }
        if (IsHttp(uri))
        {
            var catalogBase = CatalogUrl.ParseBase(source, out var slashAdded);
            if (slashAdded)
            {
                warn(new PkgBuildException(ErrorCodes.CatalogUrlMissingSlash,
                    $"The catalog URL '{source}' has no trailing '/'; using '{catalogBase}' (Racket's client would ask for the wrong paths). Write it with the '/'.",
                    SourceLocation.InFile(source)));
            }
            return await FetchHttpAsync(source, catalogBase, racketVersion, stateDirectory, earlier, cancellationToken).ConfigureAwait(false);
        }
        if (uri != null && !uri.IsFile && uri.Scheme.Length > 1)
        {
            throw new PkgBuildException(ErrorCodes.CatalogSourceNotFound,
                $"The catalog source '{source}' is neither an http(s) or file URL nor a directory.", SourceLocation.InFile(source));
        }
        return FingerprintDirectory(source, uri is { IsFile: true } ? uri.LocalPath : Path.GetFullPath(source));
    }

    private async Task<CatalogSourceSnapshot> FetchHttpAsync(string source, Uri catalogBase, string? racketVersion, string stateDirectory,
        CatalogSourceSnapshot? earlier, CancellationToken cancellationToken)
    {
        var allUrl = CatalogUrl.PkgsAll(catalogBase, racketVersion);
        var reusable = earlier is { Form: CatalogSourceForm.PkgsAll, File: { } file } && File.Exists(Path.Combine(stateDirectory, file));
        var all = await http.GetAsync(allUrl, reusable ? earlier!.ETag : null, reusable ? earlier!.LastModified : null,
            _progress.AddBytes, cancellationToken).ConfigureAwait(false);
        if (all.NotModified && reusable)
        {
            return earlier!;
        }
        if (!all.NotFound && all.Body != null)
        {
            return Keep(stateDirectory, all.Body, new CatalogSourceSnapshot
            {
                Source = source,
                Form = CatalogSourceForm.PkgsAll,
                Base = catalogBase.AbsoluteUri,
                Origin = allUrl.AbsoluteUri,
                Fingerprint = "",
                ETag = all.ETag,
                LastModified = all.LastModified,
            });
        }

        var entries = await FetchPkgByPkgAsync(catalogBase, racketVersion, cancellationToken).ConfigureAwait(false);
        var hash = new RacketHash(entries.Select(e => KeyValuePair.Create<Datum, Datum>(new RacketString(e.Name), e.Data)));
        using var body = new MemoryStream();
        using (var writer = new StreamWriter(body, leaveOpen: true))
        {
            DatumWriter.Write(hash, writer);
        }
        return Keep(stateDirectory, body.ToArray(), new CatalogSourceSnapshot
        {
            Source = source,
            Form = CatalogSourceForm.PkgByPkg,
            Base = catalogBase.AbsoluteUri,
            Origin = catalogBase.AbsoluteUri,
            Fingerprint = "",
        });
    }

    /// <summary>Stores a snapshot under its own fingerprint, so a failed fetch never overwrites one in use.</summary>
    private static CatalogSourceSnapshot Keep(string stateDirectory, byte[] body, CatalogSourceSnapshot snapshot)
    {
        var fingerprint = Sha256.Of(body);
        var file = fingerprint + ".rktd";
        AtomicFile.WriteAllBytes(Path.Combine(stateDirectory, file), body);
        return snapshot with { Fingerprint = fingerprint, File = file };
    }

    private async Task<List<CatalogEntry>> FetchPkgByPkgAsync(Uri catalogBase, string? racketVersion, CancellationToken cancellationToken)
    {
        var namesUrl = CatalogUrl.Pkgs(catalogBase, racketVersion);
        var names = await http.GetAsync(namesUrl, bytesRead: _progress.AddBytes, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (names.NotFound || names.Body == null)
        {
            throw new PkgBuildException(ErrorCodes.NotACatalog,
                $"'{catalogBase}' is not a catalog: it has neither pkgs-all nor pkgs.", SourceLocation.InFile(catalogBase.AbsoluteUri));
        }
        using var namesReader = new DatumReader(new MemoryStream(names.Body), namesUrl.AbsoluteUri);
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
                warn(CatalogCopier.InvalidName(item.ToString(), item.Location));
            }
        }

        var fetched = new CatalogEntry?[valid.Count];
        var malformed = new PkgBuildException?[valid.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, valid.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelRequests, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var url = CatalogUrl.Pkg(catalogBase, valid[i], racketVersion);
                var result = await http.GetAsync(url, bytesRead: _progress.AddBytes, cancellationToken: token).ConfigureAwait(false);
                if (result.NotFound || result.Body == null)
                {
                    return; // listed but gone: raco skips it too
                }
                try
                {
                    using var reader = new DatumReader(new MemoryStream(result.Body), url.AbsoluteUri);
                    fetched[i] = CatalogEntry.FromDatum(valid[i], reader.ReadSingle());
                    _progress.AddEntries(1);
                }
                catch (PkgBuildException e)
                {
                    malformed[i] = e; // kept by index: every one is reported, in the order of pkgs
                }
            }).ConfigureAwait(false);
        var errors = new ErrorCollector();
        foreach (var error in malformed.OfType<PkgBuildException>())
        {
            errors.Add(error);
        }
        errors.ThrowIfAny();
        return fetched.OfType<CatalogEntry>().ToList();
    }

    /// <summary>
    /// A directory catalog's fingerprint: of what the copy will read, its <c>pkgs-all</c> when it has one,
    /// else every <c>pkg/&lt;name&gt;</c> file's name and content.
    /// </summary>
    private CatalogSourceSnapshot FingerprintDirectory(string source, string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new PkgBuildException(ErrorCodes.CatalogSourceNotFound,
                $"The catalog directory '{directory}' does not exist.", SourceLocation.InFile(source));
        }
        var packages = Path.Combine(directory, DirectoryCatalog.PackagesDirectory);
        var all = DirectoryCatalog.AllFileOf(directory);
        if (all == null && !Directory.Exists(packages))
        {
            throw new PkgBuildException(ErrorCodes.NotACatalog,
                $"'{directory}' is not a directory catalog: it has neither '{DirectoryCatalog.AllFile}' nor a '{DirectoryCatalog.PackagesDirectory}/' directory.",
                SourceLocation.InFile(directory));
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        IEnumerable<string> files = all != null ? [all] : Directory.EnumerateFiles(packages).Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var name = Path.GetFileName(path);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\0"));
            // Invalid names are never opened (they are skipped and reported when the copy reads the catalog).
            if (PackageName.IsValid(name))
            {
                var content = File.ReadAllBytes(path);
                hash.AppendData(content);
                _progress.AddBytes(content.Length);
            }
            hash.AppendData("\0"u8);
        }
        var directoryBase = new Uri(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar);
        return new CatalogSourceSnapshot
        {
            Source = source,
            Form = CatalogSourceForm.Directory,
            Base = directoryBase.AbsoluteUri,
            Origin = directory,
            Fingerprint = Sha256.Hex(hash.GetHashAndReset()),
        };
    }

    private static bool IsHttp(Uri? uri) => uri != null && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void DeleteUnusedSnapshots(string stateDirectory, IReadOnlyList<CatalogSourceSnapshot> inUse)
    {
        var keep = inUse.Select(s => s.File).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(stateDirectory, "*.rktd"))
        {
            if (!keep.Contains(Path.GetFileName(path)))
            {
                File.Delete(path);
            }
        }
    }
}
