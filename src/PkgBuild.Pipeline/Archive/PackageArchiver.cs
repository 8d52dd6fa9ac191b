using System.IO.Compression;
using System.Security.Cryptography;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Archive;

/// <summary>
/// Fetches every package source once and writes the site's offline form of it, as pkg-build's archive
/// step does: <c>pkgs/&lt;name&gt;.zip</c> and a catalog entry in <c>catalog/</c> whose source is relative
/// (<c>../pkgs/&lt;name&gt;.zip</c>) and whose checksum is the zip's SHA-1, so a guest with no network
/// installs exactly the archived state. Incremental per package (keyed by source and checksum); a package
/// that cannot be fetched is recorded in <c>archive-fail/&lt;name&gt;.txt</c> and the others go on.
/// The sources of <see cref="RemoteEntries"/> are fetched only where <see cref="SourcePolicy"/> allows.
/// </summary>
public sealed class PackageArchiver(string siteDirectory, string stateDirectory) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly object _remoteHttpLock = new();
    private HttpClient? _remoteHttp;

    public void Dispose()
    {
        _http.Dispose();
        _remoteHttp?.Dispose();
    }

    public required int MaxParallel { get; init; }

    /// <summary>The entries a remote catalog named; all others are the project's own and fetched as they say.</summary>
    public RemoteCatalogEntries RemoteEntries { get; init; } = RemoteCatalogEntries.None;

    /// <summary>Where remote entries' sources may connect; by default nowhere on this machine but the remote catalogs' own endpoints.</summary>
    public SourceHostPolicy? SourcePolicy { get; init; }

    private SourceHostPolicy Policy => SourcePolicy ?? (_defaultPolicy ??= new SourceHostPolicy([], RemoteEntries.CatalogEndpoints));

    private SourceHostPolicy? _defaultPolicy;

    /// <summary>
    /// A client of its own, so that no connection made for the project's own sources (which may be on
    /// loopback) is ever reused for a remote entry's: each of its connections passed the policy.
    /// </summary>
    private HttpClient RemoteHttp
    {
        get
        {
            lock (_remoteHttpLock)
            {
                return _remoteHttp ??= new HttpClient(Policy.CreateHttpHandler()) { Timeout = TimeSpan.FromMinutes(10) };
            }
        }
    }

    private string PkgsDirectory => Path.Combine(siteDirectory, "pkgs");

    private string FailDirectory => Path.Combine(siteDirectory, "archive-fail");

    public async Task<IReadOnlyList<ArchiveOutcome>> ArchiveAsync(PackageCatalog catalog, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(PkgsDirectory);
        Directory.CreateDirectory(FailDirectory);
        var git = new GitArchiver(Path.Combine(stateDirectory, "git"));
        var entries = catalog.Entries.ToList();
        var outcomes = new ArchiveOutcome[entries.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallel, CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await ArchiveOneAsync(entries[i], git, token).ConfigureAwait(false)).ConfigureAwait(false);

        var archived = outcomes.Where(o => o.Succeeded).ToDictionary(o => o.Package, StringComparer.Ordinal);
        var siteCatalog = new PackageCatalog(entries.Where(e => archived.ContainsKey(e.Name)).Select(e => SiteEntry(e, archived[e.Name].Checksum!)));
        AtomicDirectory.Replace(Path.Combine(siteDirectory, "catalog"), staging => DirectoryCatalog.Write(siteCatalog, staging));
        return outcomes;
    }

    /// <summary>
    /// The entry guests see: the archived zip, by relative path and SHA-1. Its <c>versions</c> are dropped,
    /// since an entry there would lay the original source back over the archived one.
    /// </summary>
    private static CatalogEntry SiteEntry(CatalogEntry entry, string checksum) =>
        entry.Without("versions").WithSource($"../pkgs/{entry.Name}.zip").WithChecksum(checksum);

    private async Task<ArchiveOutcome> ArchiveOneAsync(CatalogEntry entry, GitArchiver git, CancellationToken cancellationToken)
    {
        var zip = Path.Combine(PkgsDirectory, entry.Name + ".zip");
        var keyFile = Path.Combine(stateDirectory, "keys", entry.Name);
        var key = $"{entry.Source}\n{entry.Checksum}";
        var remote = RemoteEntries.Contains(entry.Name);
        if (remote)
        {
            // What was archived under a looser policy (or as the project's own entry) is not reused for a remote one.
            key += "\nremote " + Policy.Fingerprint;
        }
        var parsed = entry.Source == null ? null : PackageSource.Parse(entry.Source);
        if (parsed is { Git: null } && LocalDirectory(parsed.Text) is { } local && Directory.Exists(local))
        {
            // A directory has no checksum in the catalog: its content is the key, or an edit would never be archived.
            try
            {
                key += "\n" + DirectoryZip.Fingerprint(local);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                key += "\nunreadable";
            }
        }
        if (File.Exists(zip) && File.Exists(keyFile) && File.ReadAllText(keyFile) == key)
        {
            return new ArchiveOutcome(entry.Name, zip, Sha1(zip), null, Reused: true);
        }

        var staging = Path.Combine(stateDirectory, "staging", $"{entry.Name}.{Guid.NewGuid():N}.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(staging)!);
        var source = parsed;
        string? failure;
        SourceHostRefusal? refused = null;
        var policy = remote ? Policy : null;
        try
        {
            failure = source switch
            {
                null => "the entry has no source",
                { Git: { } repository } => await git.ArchiveAsync(repository, entry.Checksum ?? "", staging, policy, cancellationToken).ConfigureAwait(false),
                // A copied catalog's directory sources are file:// URLs (catalog-copy makes relative paths absolute).
                // A remote catalog's never are: CopyCatalog left such entries out (PKB0208).
                _ when LocalDirectory(source.Text) is { } directory => ZipDirectory(directory, staging),
                _ when IsPackageFile(source.Text) => await ArchiveFileAsync(source.Text, entry.Checksum, staging, remote ? RemoteHttp : _http, cancellationToken).ConfigureAwait(false),
                _ => $"archiving a {source.Kind} source ({source.Text}) is not supported yet",
            };
        }
        catch (SourceHostRefusedException e)
        {
            refused = e.Refusal;
            failure = e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            failure = e.Message;
        }

        var failLog = Path.Combine(FailDirectory, entry.Name + ".txt");
        if (failure != null)
        {
            File.Delete(staging);
            AtomicFile.WriteAllText(failLog, $"archive-fail {entry.Name}\nsource: {entry.Source}\nchecksum: {entry.Checksum}\n{failure}\n");
            return new ArchiveOutcome(entry.Name, null, null, failure, Reused: false, refused);
        }
        File.Move(staging, zip, overwrite: true);
        AtomicFile.WriteAllText(keyFile, key);
        File.Delete(failLog);
        return new ArchiveOutcome(entry.Name, zip, Sha1(zip), null, Reused: false);
    }

    /// <summary>
    /// A zip or tgz package file (http(s) URL or local), checked against the catalog checksum (its SHA-1,
    /// as Racket checks it) when the catalog gives one; a tgz is unpacked and zipped again for the site.
    /// </summary>
    private static async Task<string?> ArchiveFileAsync(string source, string? checksum, string staging, HttpClient http, CancellationToken cancellationToken)
    {
        var download = staging + ".download";
        try
        {
            if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return $"GET {uri} answered {(int)response.StatusCode}";
                }
                await using var output = File.Create(download);
                await response.Content.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                File.Copy(uri is { IsFile: true } ? uri.LocalPath : source, download, overwrite: true);
            }
            if (!string.IsNullOrEmpty(checksum) && !string.Equals(Sha1(download), checksum, StringComparison.OrdinalIgnoreCase))
            {
                return $"the file's SHA-1 is {Sha1(download)}, not the catalog's checksum {checksum}";
            }
            var path = uri?.IsAbsoluteUri == true ? uri.AbsolutePath : source;
            if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                File.Move(download, staging, overwrite: true);
                return null;
            }
            if (path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase))
            {
                var unpacked = staging + ".d";
                Directory.CreateDirectory(unpacked);
                await using (var gz = new GZipStream(File.OpenRead(download), CompressionMode.Decompress))
                {
                    await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(gz, unpacked, overwriteFiles: false, cancellationToken).ConfigureAwait(false);
                }
                var failure = ZipDirectory(unpacked, staging);
                Directory.Delete(unpacked, recursive: true);
                return failure;
            }
            return $"the package file {source} is neither .zip nor .tgz";
        }
        catch (HttpRequestException e) when (e.InnerException is SourceHostRefusedException refused)
        {
            throw refused; // the policy's connect check, for the URL or a redirect: never connected
        }
        catch (HttpRequestException e)
        {
            return $"GET {source} failed: {e.Message}";
        }
        finally
        {
            File.Delete(download);
        }
    }

    /// <summary>A zip or tgz package file: an http(s) or file URL, or an absolute path.</summary>
    private static bool IsPackageFile(string source)
    {
        var path = Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "file" ? uri.AbsolutePath : source;
        return (uri?.Scheme is "http" or "https" or "file" || Path.IsPathRooted(source))
            && (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)
                || path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The directory a <c>file://</c> URL or an absolute path names, when the source is a directory source.</summary>
    /// <summary>
    /// A hash of the content of every local directory source in <paramref name="catalog"/>: the catalog
    /// gives such a package no checksum, so this is what says that one of them was edited.
    /// </summary>
    public static string LocalSourcesFingerprint(PackageCatalog catalog)
    {
        var text = new System.Text.StringBuilder();
        foreach (var entry in catalog.Entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Source is { } source && PackageSource.Parse(source) is { Git: null } parsed && LocalDirectory(parsed.Text) is { } local && Directory.Exists(local))
            {
                string content;
                try
                {
                    content = DirectoryZip.Fingerprint(local);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    content = "unreadable: " + e.Message;
                }
                text.Append(entry.Name).Append(' ').Append(content).Append('\n');
            }
        }
        return IO.Sha256.Of(text.ToString());
    }

    private static string? LocalDirectory(string source)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.IsFile)
        {
            return Path.HasExtension(uri.LocalPath) && PackageSource.Parse(uri.LocalPath).Kind == PackageSourceKind.File ? null : uri.LocalPath;
        }
        return Path.IsPathRooted(source) && PackageSource.Parse(source).Kind == PackageSourceKind.Directory ? source : null;
    }

    private static string? ZipDirectory(string directory, string zip)
    {
        if (!Directory.Exists(directory))
        {
            return $"the directory {directory} does not exist";
        }
        DirectoryZip.Create(directory, zip);
        return null;
    }

    /// <summary>Racket checks a zip source against the catalog checksum, its SHA-1 in hex.</summary>
    private static string Sha1(string file) => IO.Sha1.OfFile(file);
}
