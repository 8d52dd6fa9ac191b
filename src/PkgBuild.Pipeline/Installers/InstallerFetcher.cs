using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Installers;

namespace PkgBuild.Pipeline.Installers;

/// <summary>
/// Puts the Racket installer into the site's <c>installers/</c> when no Racket is built here: from a
/// snapshot or release site (its <c>installers/table.rktd</c>, then the file for the platform) or from a
/// given installer path or URL. Downloads are cached by ETag/Last-Modified, so an unchanged installer is
/// not downloaded again.
/// </summary>
public sealed class InstallerFetcher(CatalogHttpClient http, string siteDirectory, string stateDirectory)
{
    private string InstallersDirectory => Path.Combine(siteDirectory, "installers");

    /// <summary>The installer for <paramref name="platform"/> from a snapshot site; returns its path in the site.</summary>
    public async Task<string> FromSnapshotAsync(string snapshotUrl, string platform, CancellationToken cancellationToken = default)
    {
        var baseUrl = CatalogUrl.ParseBase(snapshotUrl, out _);
        var tableUrl = new Uri(baseUrl, "installers/table.rktd");
        var table = await http.GetAsync(tableUrl, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (table.NotFound || table.Body == null)
        {
            throw new PkgBuildException(ErrorCodes.InstallerInvalid, $"{snapshotUrl} has no installers/table.rktd; is it a snapshot or release site?", SourceLocation.InFile(tableUrl.AbsoluteUri));
        }
        using var reader = new DatumReader(new MemoryStream(table.Body), tableUrl.AbsoluteUri);
        var file = InstallerTable.Parse(reader.ReadSingle(), tableUrl.AbsoluteUri).FileFor(platform, tableUrl.AbsoluteUri);
        Directory.CreateDirectory(InstallersDirectory);
        AtomicFile.WriteAllBytes(Path.Combine(InstallersDirectory, "table.rktd"), table.Body);
        return await DownloadAsync(new Uri(baseUrl, "installers/" + file), file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A given installer: a local <c>.sh</c> file or an http(s) URL; returns its path in the site.</summary>
    public async Task<string> FromInstallerAsync(string installer, CancellationToken cancellationToken = default)
    {
        if (Uri.TryCreate(installer, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return await DownloadAsync(uri, Path.GetFileName(uri.LocalPath), cancellationToken).ConfigureAwait(false);
        }
        var path = uri is { IsFile: true } ? uri.LocalPath : Path.GetFullPath(installer);
        if (!File.Exists(path))
        {
            throw new PkgBuildException(ErrorCodes.InstallerInvalid, $"The installer {path} does not exist.", SourceLocation.InFile(path));
        }
        var target = Path.Combine(InstallersDirectory, Path.GetFileName(path));
        Directory.CreateDirectory(InstallersDirectory);
        AtomicFile.Write(target, output =>
        {
            using var input = File.OpenRead(path);
            input.CopyTo(output);
        });
        return target;
    }

    private async Task<string> DownloadAsync(Uri url, string file, CancellationToken cancellationToken)
    {
        if (file.Length == 0 || file.StartsWith('.') || file.Contains('/') || file.Contains('\\'))
        {
            throw new PkgBuildException(ErrorCodes.InstallerInvalid, $"'{url}' does not name an installer file.", SourceLocation.InFile(url.AbsoluteUri));
        }
        var target = Path.Combine(InstallersDirectory, file);
        var validators = Path.Combine(stateDirectory, Sha256.Of(url.AbsoluteUri)[..16] + ".etag");
        var etag = File.Exists(target) && File.Exists(validators) ? File.ReadAllText(validators) : null;
        var result = await http.GetAsync(url, etag: string.IsNullOrEmpty(etag) ? null : etag, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.NotModified)
        {
            return target;
        }
        if (result.NotFound || result.Body == null)
        {
            throw new PkgBuildException(ErrorCodes.InstallerInvalid, $"The installer {url} is not there (404).", SourceLocation.InFile(url.AbsoluteUri));
        }
        Directory.CreateDirectory(InstallersDirectory);
        AtomicFile.WriteAllBytes(target, result.Body);
        AtomicFile.WriteAllText(validators, result.ETag ?? "");
        return target;
    }
}
