namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// An override together with the commit its rev resolved to (the new checksum) and how it was found:
/// "branch", "tag", "commit" or "Commit attribute", for the log and the edit report.
/// </summary>
public sealed record ResolvedOverride(CatalogOverride Override, string Commit, string ResolvedAs);
