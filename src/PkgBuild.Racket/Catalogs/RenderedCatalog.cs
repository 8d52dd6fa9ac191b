namespace PkgBuild.Racket.Catalogs;

/// <summary>A catalog's directory form in memory: each <c>pkg/&lt;name&gt;</c>, <c>pkgs</c> and <c>pkgs-all</c>.</summary>
public sealed record RenderedCatalog(IReadOnlyList<(string Name, byte[] Text)> Entries, byte[] Names, byte[] All);
