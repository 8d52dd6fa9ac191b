using System.Text;
using System.Text.Json;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// <c>catalog-edits.md</c> and <c>catalog-edits.json</c>: every override with the commit its rev resolved
/// to and how, and every package it changed, old source and checksum to new.
/// </summary>
public static class EditReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(string markdownPath, string jsonPath, string editedCatalog, IReadOnlyList<ResolvedOverride> overrides, IReadOnlyList<CatalogEdit> edits)
    {
        AtomicFile.WriteAllText(markdownPath, Markdown(editedCatalog, overrides, edits));
        var document = new
        {
            catalog = editedCatalog,
            overrides = overrides.Select(o => new
            {
                name = o.Override.Name,
                source = o.Override.Metadata.GetValueOrDefault("Source"),
                repository = o.Override.Metadata.GetValueOrDefault("Repository"),
                with = o.Override.Metadata.GetValueOrDefault("With"),
                rev = o.Override.Metadata.GetValueOrDefault("Rev"),
                commit = o.Commit,
                resolvedAs = o.ResolvedAs,
                packages = edits.Where(e => e.Override == o.Override.Name).Select(e => e.Package).ToList(),
            }),
            edits,
        };
        AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(document, Json) + "\n");
    }

    /// <summary>The packages an earlier <see cref="Write"/> recorded as changed (none when there is no report).</summary>
    public static IReadOnlyList<string> EditedPackages(string jsonPath)
    {
        if (!File.Exists(jsonPath))
        {
            return [];
        }
        using var document = JsonDocument.Parse(File.ReadAllText(jsonPath));
        return document.RootElement.TryGetProperty("edits", out var edits) && edits.ValueKind == JsonValueKind.Array
            ? edits.EnumerateArray().Select(e => e.TryGetProperty("package", out var p) ? p.GetString() : null).OfType<string>().Distinct().ToList()
            : [];
    }

    /// <summary>Which override changed each package, by the override's name, as an earlier <see cref="Write"/> recorded it.</summary>
    public static IReadOnlyDictionary<string, string> OverrideOf(string jsonPath)
    {
        var of = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(jsonPath))
        {
            return of;
        }
        using var document = JsonDocument.Parse(File.ReadAllText(jsonPath));
        if (document.RootElement.TryGetProperty("edits", out var edits) && edits.ValueKind == JsonValueKind.Array)
        {
            foreach (var edit in edits.EnumerateArray())
            {
                if (edit.TryGetProperty("package", out var p) && p.GetString() is { } package
                    && edit.TryGetProperty("override", out var o) && o.GetString() is { } name)
                {
                    of.TryAdd(package, name);
                }
            }
        }
        return of;
    }

    private static string Markdown(string editedCatalog, IReadOnlyList<ResolvedOverride> overrides, IReadOnlyList<CatalogEdit> edits)
    {
        var md = new StringBuilder();
        md.Append("# Catalog edits\n\n");
        md.Append($"{edits.Count} package(s) changed by {overrides.Count} override(s) in `{editedCatalog}`.\n\n");
        if (overrides.Count > 0)
        {
            md.Append("## Overrides\n\n");
            foreach (var (o, commit, resolvedAs) in overrides)
            {
                var written = o.Metadata;
                var what = written.GetValueOrDefault("Source") is { } source
                    ? Code(source)
                    : $"every package of {Code(written.GetValueOrDefault("Repository"))} → {Code(written.GetValueOrDefault("With"))}";
                var rev = written.GetValueOrDefault("Rev") ?? written.GetValueOrDefault("Commit") ?? "(fragment of the source)";
                md.Append($"- **{o.Name}**: {what}; rev {Code(rev)} is {Article(resolvedAs)} → commit {Code(commit)}\n");
            }
            md.Append('\n');
        }
        if (edits.Count > 0)
        {
            md.Append("## Packages\n\n| Package | Override | Old source | Old checksum | New source | New checksum | versions rewritten |\n");
            md.Append("|---|---|---|---|---|---|---|\n");
            foreach (var e in edits)
            {
                md.Append($"| {e.Package} | {e.Override} | {Code(e.OldSource)} | {Code(e.OldChecksum)} | {Code(e.NewSource)} | {Code(e.NewChecksum)} | {string.Join(", ", e.RewrittenVersions.Select(v => Code(v)))} |\n");
            }
        }
        return md.ToString();
    }

    private static string Article(string resolvedAs) => resolvedAs switch
    {
        "Commit attribute" => "given by the Commit attribute",
        _ => "a " + resolvedAs,
    };

    /// <summary>
    /// Catalog text is untrusted: in a table cell, a '|', a backtick or a line break must not end the cell,
    /// the code span or the row, so control characters are shown as \uXXXX.
    /// </summary>
    private static string Code(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var cell = new StringBuilder(text.Length + 2).Append('`');
        foreach (var c in text)
        {
            _ = c switch
            {
                '`' => cell.Append('\''),
                '|' => cell.Append("\\|"),
                _ when char.IsControl(c) => cell.Append($"\\u{(int)c:X4}"),
                _ => cell.Append(c),
            };
        }
        return cell.Append('`').ToString();
    }
}
