using System.Text.Json.Serialization;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// A <c>PkgBuildOverride</c> item as written (the attributes, and where), resolved to a commit. This is
/// what the resolve step hands to the edit step in <c>overrides.json</c>: plain text that compares equal
/// when nothing changed, so the edit reruns exactly when an override or a resolved commit moved.
/// </summary>
public sealed record OverrideSpec
{
    /// <summary>The metadata a PkgBuildOverride item has: any other name is warned about.</summary>
    public static IReadOnlyList<string> MetadataNames { get; } = ["Source", "Repository", "With", "Rev", "Commit"];

    public required string Name { get; init; }

    public string? Source { get; init; }

    public string? Repository { get; init; }

    public string? With { get; init; }

    public string? Rev { get; init; }

    public string? Commit { get; init; }

    // Where the item is written: for errors only, so not in overrides.json (moving an override to another
    // line must not rerun EditCatalog).
    [JsonIgnore]
    public string? File { get; init; }

    [JsonIgnore]
    public int Line { get; init; }

    [JsonIgnore]
    public int Column { get; init; }

    /// <summary>The commit the rev resolved to; null until resolved.</summary>
    public string? ResolvedCommit { get; init; }

    /// <summary>How it was resolved, for the log and the report: "branch", "tag", "commit" or "Commit attribute".</summary>
    public string? ResolvedAs { get; init; }

    [JsonIgnore]
    public SourceLocation Location => new(File, Line, Column, 0);

    /// <summary>Checks the attributes; see <see cref="CatalogOverride.Parse"/>.</summary>
    public CatalogOverride Parse(Action<PkgBuildException> warn) =>
        CatalogOverride.Parse(Name, Source, Repository, With, Rev, Commit, Location, warn);
}
