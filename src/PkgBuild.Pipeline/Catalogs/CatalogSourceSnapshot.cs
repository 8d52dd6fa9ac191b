namespace PkgBuild.Pipeline.Catalogs;

/// <summary>How a source catalog was read.</summary>
public enum CatalogSourceForm
{
    /// <summary>An HTTP catalog's <c>pkgs-all</c>, kept byte for byte as served.</summary>
    PkgsAll,

    /// <summary>An HTTP catalog without <c>pkgs-all</c>: <c>pkgs</c> and each <c>pkg/&lt;name&gt;</c>, kept as one hash.</summary>
    PkgByPkg,

    /// <summary>A directory catalog, read in place when the copy runs.</summary>
    Directory,
}

/// <summary>
/// What one fetch of one source catalog left behind: where its entries are now, what they hash to, and
/// the validators (ETag, Last-Modified) that let the next fetch ask "changed?" instead of downloading.
/// </summary>
public sealed record CatalogSourceSnapshot
{
    /// <summary>The source as the project wrote it.</summary>
    public required string Source { get; init; }

    public required CatalogSourceForm Form { get; init; }

    /// <summary>The URL relative sources resolve against: the catalog's base URL or the directory's file URL.</summary>
    public required string Base { get; init; }

    /// <summary>The resource errors in the snapshot point at (the pkgs-all URL, or the directory).</summary>
    public required string Origin { get; init; }

    /// <summary>SHA-256 (hex) of the entries as fetched; equal fingerprints mean nothing changed.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The snapshot file in the state directory (not for directory sources).</summary>
    public string? File { get; init; }

    public string? ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }
}
