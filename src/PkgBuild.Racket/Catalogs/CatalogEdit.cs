namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// One package changed by an override: what the catalog said before and after, and which
/// <c>versions</c> entries had to be rewritten so that the new source is the one Racket uses.
/// </summary>
public sealed record CatalogEdit(
    string Package,
    string Override,
    string? OldSource,
    string? OldChecksum,
    string NewSource,
    string NewChecksum,
    IReadOnlyList<string> RewrittenVersions);
