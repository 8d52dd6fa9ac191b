using PkgBuild.Pipeline.Archive;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>The copied catalog, its content hash, whether the directory on disk changed, and which entries came from a remote catalog.</summary>
public sealed record CatalogCopyResult(PackageCatalog Catalog, string Hash, bool Changed, RemoteCatalogEntries Remote);

/// <summary>
/// The local half of CopyCatalog: combines the fetched sources into one directory catalog as
/// <c>raco pkg catalog-copy</c> does (the first catalog that has a name supplies its whole entry,
/// relative sources become absolute, unknown keys are kept). The destination is replaced only once the
/// copy is complete, and not at all when its content would not change.
/// </summary>
/// <param name="allowedSourceHosts">PkgBuildAllowedSourceHosts: hosts a remote catalog's sources may name although they are this machine's.</param>
public sealed class CatalogCopier(Action<PkgBuildException> warn, CatalogProgress? progress = null, IReadOnlyList<string>? allowedSourceHosts = null)
{
    private readonly CatalogProgress _progress = progress ?? new CatalogProgress();
    private readonly IReadOnlyList<string> _allowedSourceHosts = allowedSourceHosts ?? [];

    /// <summary>
    /// Fetches <paramref name="sources"/> and copies them to <paramref name="destination"/> in one go; the
    /// fetch state is kept in <c><paramref name="destination"/>.sources</c>. The pipeline runs the two
    /// halves as separate steps; this is for callers that want a plain copy.
    /// </summary>
    /// <param name="parallelRequests">How many catalog requests at once (<c>PkgBuildCatalogParallelRequests</c> in the pipeline).</param>
    public static async Task<CatalogCopyResult> CopyAsync(CatalogHttpClient http, IReadOnlyList<string> sources, string destination,
        string? racketVersion, Action<PkgBuildException> warn, int parallelRequests, CatalogProgress? progress = null, IReadOnlyList<string>? allowedSourceHosts = null,
        CancellationToken cancellationToken = default)
    {
        var stateDirectory = Path.TrimEndingDirectorySeparator(destination) + ".sources";
        var state = await new CatalogFetcher(http, warn, progress) { MaxParallelRequests = parallelRequests }.FetchAsync(sources, racketVersion, stateDirectory, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return new CatalogCopier(warn, progress, allowedSourceHosts).Copy(state, stateDirectory, destination, Path.Combine(stateDirectory, "copy.hash"));
    }

    /// <summary>
    /// Writes the combination of <paramref name="state"/>'s sources to <paramref name="destination"/>, unless
    /// <paramref name="hashFile"/> says the destination already holds exactly that.
    /// </summary>
    public CatalogCopyResult Copy(CatalogFetchState state, string stateDirectory, string destination, string hashFile)
    {
        var catalogEndpoints = LocalCatalogEndpoints(state);
        var policy = new SourceHostPolicy(_allowedSourceHosts, catalogEndpoints);
        // Every malformed entry of every source is reported in one go, before anything is written.
        var errors = new ErrorCollector();
        var catalogs = state.Sources.Select(source => Read(source, stateDirectory, policy, errors)).ToList();
        errors.ThrowIfAny();
        var combined = PackageCatalog.Combine(catalogs);
        // Which catalog supplied each name, as Combine chose: the first that has it.
        var remoteNames = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (source, catalog) in state.Sources.Zip(catalogs))
        {
            foreach (var name in catalog.Names.Where(seen.Add))
            {
                if (source.Form != CatalogSourceForm.Directory)
                {
                    remoteNames.Add(name);
                }
            }
        }
        var remote = new RemoteCatalogEntries { Names = remoteNames.ToList(), CatalogEndpoints = catalogEndpoints };
        var rendered = DirectoryCatalog.Render(combined);
        var hash = Sha256.Of(rendered.All); // pkgs-all holds every entry in full
        if (File.Exists(Path.Combine(destination, DirectoryCatalog.AllFile)) && File.Exists(hashFile) && File.ReadAllText(hashFile) == hash)
        {
            return new CatalogCopyResult(combined, hash, Changed: false, remote);
        }
        AtomicDirectory.Replace(destination, staging => DirectoryCatalog.Write(rendered, staging));
        AtomicFile.WriteAllText(hashFile, hash);
        return new CatalogCopyResult(combined, hash, Changed: true, remote);
    }

    /// <summary>
    /// <c>host:port</c> of the remote catalogs the project named at a local address (<c>http://127.0.0.1:8000/</c>):
    /// the project chose that server, so its sources there are no catalog's doing. A catalog named by a
    /// public name gets no such pass, or a name that later resolved to this machine would carry it.
    /// </summary>
    private IReadOnlyList<string> LocalCatalogEndpoints(CatalogFetchState state)
    {
        var plain = new SourceHostPolicy(_allowedSourceHosts);
        return state.Sources
            .Where(s => s.Form != CatalogSourceForm.Directory && Uri.TryCreate(s.Base, UriKind.Absolute, out _))
            .Select(s => new Uri(s.Base))
            .Where(u => plain.RefusalByText(u) != null)
            .Select(u => SourceHostPolicy.Endpoint(u.Host, SourceHostPolicy.DefaultPort(u)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A file:// URL or a path: a source this machine would read from its own disk.</summary>
    internal static bool IsOnThisMachine(string source) =>
        source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(source)
        || !source.Contains("://", StringComparison.Ordinal) && PackageSource.Parse(source).Kind is PackageSourceKind.File or PackageSourceKind.Directory;

    internal static PkgBuildException InvalidName(string name, SourceLocation where) =>
        new(ErrorCodes.InvalidPackageNameSkipped,
            $"Skipped the catalog entry {name}: package names are ASCII letters, digits, '-' and '_'.", where);

    private PackageCatalog Read(CatalogSourceSnapshot source, string stateDirectory, SourceHostPolicy policy, ErrorCollector errors)
    {
        Action<string, SourceLocation> skipped = (name, where) => warn(InvalidName(name, where));
        PackageCatalog catalog;
        if (source.Form == CatalogSourceForm.Directory)
        {
            catalog = DirectoryCatalog.Read(source.Origin, skipped, errors);
        }
        else
        {
            // Errors point at the URL the snapshot came from: its bytes are the server's, so lines and columns match.
            using var stream = File.OpenRead(Path.Combine(stateDirectory, source.File!));
            catalog = DirectoryCatalog.ReadPkgsAll(stream, source.Origin, skipped, errors);
        }
        _progress.AddEntries(catalog.Count);
        var catalogBase = new Uri(source.Base);
        var resolved = catalog.Entries.Select(e => e.WithRelativeSourceResolved(catalogBase));
        if (source.Form != CatalogSourceForm.Directory)
        {
            // A remote catalog is someone else's: it may not make this machine archive and serve its own
            // files (file:///root/.ssh). Local sources come only from directory catalogs and overrides.
            resolved = resolved.Where(e =>
            {
                var local = e.AllSources().FirstOrDefault(IsOnThisMachine);
                if (local != null)
                {
                    warn(new PkgBuildException(ErrorCodes.RemoteCatalogLocalSource,
                        $"The catalog {source.Origin} gives '{e.Name}' a source on this machine ({local}); a remote catalog may name only remote sources, so the entry is left out.",
                        SourceLocation.InFile(source.Origin)));
                }
                return local == null;
            });
            // Nor may it make the build fetch from this machine's own services (a git daemon or web server on
            // loopback, cloud metadata on link-local): what the text shows is refused here, names at connect time.
            resolved = resolved.Where(e =>
            {
                foreach (var text in e.AllSources())
                {
                    if (Uri.TryCreate(text, UriKind.Absolute, out var url) && !url.IsFile && policy.RefusalByText(url) is { } refusal)
                    {
                        warn(SourceHostPolicy.Warning(e.Name, text, refusal, SourceLocation.InFile(source.Origin)));
                        return false;
                    }
                }
                return true;
            });
        }
        return new PackageCatalog(resolved);
    }
}
