using System.Text.Json;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// <c>overrides.json</c>: what the resolve step hands to the edit step. The resolved overrides, checked
/// (so that the edit does not check them again) and with their metadata as written (for the report), and
/// the Racket version they apply to (it decides which <c>versions</c> entry is rewritten). Rewritten only
/// when it changes, so that its time stamp tells MSBuild whether EditCatalog must run again; where an
/// override is written is left out, so that moving it to another line does not rerun EditCatalog.
/// </summary>
public sealed record OverridesFile(string RacketVersion, IReadOnlyList<ResolvedOverride> Overrides)
{
    /// <summary>Returns whether the file changed.</summary>
    public bool Write(string path) => AtomicFile.WriteAllTextIfChanged(path, ToJson());

    /// <summary>
    /// The file's text, as <see cref="Read"/> reads it. Written by hand rather than by the serializer: every
    /// build writes it (to compare), and the serializer's start-up cost more than the rest of a build with
    /// nothing to do.
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("racketVersion", RacketVersion);
            json.WriteStartArray("overrides");
            foreach (var (o, commit, resolvedAs) in Overrides)
            {
                json.WriteStartObject();
                json.WriteString("name", o.Name);
                json.WriteStartObject("metadata");
                foreach (var name in CatalogOverride.MetadataNames)
                {
                    if (o.Metadata.TryGetValue(name, out var value))
                    {
                        json.WriteString(name, value);
                    }
                }
                json.WriteEndObject();
                json.WriteString("target", o.Target.ToString());
                if (o.Repository != null)
                {
                    json.WriteString("repository", o.Repository.ToString());
                }
                json.WriteString("rev", o.Rev);
                if (o.Commit != null)
                {
                    json.WriteString("commit", o.Commit);
                }
                json.WriteString("resolvedCommit", commit);
                json.WriteString("resolvedAs", resolvedAs);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads what <see cref="Write"/> wrote; the overrides have no location.</summary>
    public static OverridesFile Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var overrides = Property(root, "overrides", JsonValueKind.Array).EnumerateArray().Select(o => new ResolvedOverride(
            new CatalogOverride
            {
                Name = Text(o, "name"),
                Metadata = Property(o, "metadata", JsonValueKind.Object).EnumerateObject().ToDictionary(p => p.Name, p => AsText(p.Value, p.Name), StringComparer.Ordinal),
                Target = Git(Text(o, "target")),
                Repository = OptionalText(o, "repository") is { } repository ? Git(repository) : null,
                Rev = Text(o, "rev"),
                Commit = OptionalText(o, "commit"),
            },
            Text(o, "resolvedCommit"),
            Text(o, "resolvedAs"))).ToList();
        return new OverridesFile(Text(root, "racketVersion"), overrides);

        // Written without a rev; a github:// one still has a rev segment (GitSource writes "master" for none), which is not the override's.
        GitSource Git(string text) =>
            PackageSource.Parse(text).Git is { } git ? git with { Rev = null } : throw new JsonException($"{path}: '{text}' is not a git source.");

        JsonElement Property(JsonElement element, string name, JsonValueKind kind) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == kind
                ? value
                : throw new JsonException($"{path} has no '{name}' {kind.ToString().ToLowerInvariant()} where one is expected.");

        string AsText(JsonElement value, string name) =>
            value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonException($"{path}: '{name}' is not a string.");

        string Text(JsonElement element, string name) => Property(element, name, JsonValueKind.String).GetString()!;

        string? OptionalText(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? AsText(value, name) : null;
    }
}
