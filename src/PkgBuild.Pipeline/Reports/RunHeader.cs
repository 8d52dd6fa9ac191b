using System.Globalization;
using System.Text.Json;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// What a run tested, at the top of every report: the overrides (each with the commit its rev resolved to
/// and the packages it changed, old source to new), the Racket under test, the catalogs and when they were
/// copied, the guests, and when the run was planned. Every text here is untrusted (catalog sources,
/// item names): the reports escape it.
/// </summary>
public sealed record RunHeader
{
    public IReadOnlyList<TestedOverride> Overrides { get; init; } = [];

    public required TestedRacket Racket { get; init; }

    /// <summary>The <c>PkgBuildSourceCatalog</c> items, in precedence order.</summary>
    public IReadOnlyList<string> Catalogs { get; init; } = [];

    /// <summary>When the copy of the catalogs was last made or found current; null when there is no copy.</summary>
    public DateTimeOffset? CatalogsCopied { get; init; }

    public IReadOnlyList<TestedGuest> Guests { get; init; } = [];

    public required DateTimeOffset Date { get; init; }

    /// <summary>The header's JSON object (results.json's <c>tested</c>).</summary>
    public object ToJson() => new
    {
        overrides = Overrides.Select(o => new
        {
            name = o.Name,
            source = o.Source,
            rev = o.Rev,
            commit = o.Commit,
            resolvedAs = o.ResolvedAs,
            packages = o.Packages.Select(p => new { package = p.Package, oldSource = p.OldSource, newSource = p.NewSource }),
        }),
        racket = new { kind = Racket.Installer == null ? "preinstalled" : "installer", installer = Racket.Installer, sha256 = Racket.InstallerSha256, identity = Racket.Identity },
        catalogs = Catalogs,
        catalogsCopied = CatalogsCopied?.ToString("o", CultureInfo.InvariantCulture),
        guests = Guests.Select(g => new { name = g.Name, kind = g.Kind, where = g.Where }),
        date = Date.ToString("o", CultureInfo.InvariantCulture),
    };

    /// <summary>A time as the pages show it: UTC, to the minute.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The overrides as an earlier edit recorded them in <c>catalog-edits.json</c> (the work directory's copy):
    /// none when there is no such file.
    /// </summary>
    public static IReadOnlyList<TestedOverride> ReadOverrides(string editsJson)
    {
        if (string.IsNullOrWhiteSpace(editsJson) || !File.Exists(editsJson))
        {
            return [];
        }
        using var document = JsonDocument.Parse(File.ReadAllText(editsJson));
        var root = document.RootElement;
        var edits = root.TryGetProperty("edits", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : [];
        if (!root.TryGetProperty("overrides", out var overrides) || overrides.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        return overrides.EnumerateArray().Select(o =>
        {
            var name = Text(o, "name") ?? "";
            var source = Text(o, "source") ?? $"{Text(o, "repository")} → {Text(o, "with")}";
            return new TestedOverride(name, source, Text(o, "rev"), Text(o, "commit") ?? "", Text(o, "resolvedAs"),
                edits.Where(x => Text(x, "override") == name).Select(x => new TestedPackage(Text(x, "package") ?? "", Text(x, "oldSource"), Text(x, "newSource") ?? "")).ToList());
        }).ToList();

        static string? Text(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

/// <summary>One override: the source it gives, the rev as written, the commit that rev resolved to (and how), and the packages it changed.</summary>
public sealed record TestedOverride(string Name, string Source, string? Rev, string Commit, string? ResolvedAs, IReadOnlyList<TestedPackage> Packages);

/// <summary>One package an override changed, with the source the catalog had before and the one it has now.</summary>
public sealed record TestedPackage(string Package, string? OldSource, string NewSource);

/// <summary>
/// The Racket under test: an installer (its file name and SHA-256), or none (<c>Preinstalled</c>); and what
/// the guests' Racket said it is (version, virtual machine, where), once asked.
/// </summary>
public sealed record TestedRacket(string? Installer, string? InstallerSha256, string? Identity = null);

/// <summary>One <c>PkgBuildGuest</c>: its name, kind, and where it is (host, image or VM) when that is not this machine.</summary>
public sealed record TestedGuest(string Name, string Kind, string? Where);
