using System.Text.Json;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// Which entries of a copied (or edited) catalog came from a remote catalog, whose sources the archive
/// fetches only under <see cref="Archive.SourceHostPolicy"/>. Kept in our own state beside the catalog,
/// never in the catalog files raco reads. Entries of directory catalogs and overridden entries are the
/// project's own and are not listed.
/// </summary>
public sealed record RemoteCatalogEntries
{
    private static readonly JsonSerializerOptions Json = PipelineJson.Options(new() { WriteIndented = true });

    public static RemoteCatalogEntries None { get; } = new();

    /// <summary>Package names, ordinal order.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>
    /// <c>host:port</c> of each remote catalog the project named at one of this machine's addresses: the
    /// project chose that server, so a source there (a served catalog's relative <c>../pkgs/</c>) is allowed.
    /// </summary>
    public IReadOnlyList<string> CatalogEndpoints { get; init; } = [];

    public bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The same without <paramref name="names"/>: entries an override rewrote have the project's source.</summary>
    public RemoteCatalogEntries Without(IEnumerable<string> names)
    {
        var gone = names.ToHashSet(StringComparer.Ordinal);
        return this with { Names = Names.Where(n => !gone.Contains(n)).ToList() };
    }

    /// <summary>Reads what <see cref="Write"/> wrote; the file is always written beside its catalog, so its absence is an error.</summary>
    public static RemoteCatalogEntries Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RemoteCatalogEntries>(File.ReadAllText(path), Json)
                ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new PkgBuildException(ErrorCodes.FileSystem,
                $"The list of remote catalog entries {path} cannot be read ({e.Message}); CopyCatalog writes it, so something removed it. Build again with -p:PkgBuildRefreshCatalog=true, which copies the catalog again.");
        }
    }

    /// <summary>Writes the file only when its content changes, so its time stamp can drive up-to-date checks.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllTextIfChanged(path, JsonSerializer.Serialize(this, Json));
    }
}
