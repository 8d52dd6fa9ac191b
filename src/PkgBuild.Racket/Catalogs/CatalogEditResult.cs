namespace PkgBuild.Racket.Catalogs;

/// <summary>The edited catalog and one <see cref="CatalogEdit"/> per changed package, in name order.</summary>
public sealed record CatalogEditResult(PackageCatalog Catalog, IReadOnlyList<CatalogEdit> Edits);
