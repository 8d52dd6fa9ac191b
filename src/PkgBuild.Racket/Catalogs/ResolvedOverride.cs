namespace PkgBuild.Racket.Catalogs;

/// <summary>An override together with the commit its rev resolved to (the new checksum).</summary>
public sealed record ResolvedOverride(CatalogOverride Override, string Commit);
