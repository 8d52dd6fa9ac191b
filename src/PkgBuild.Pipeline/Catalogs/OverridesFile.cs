using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.IO;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// <c>overrides.json</c>: the resolved overrides and the Racket version they apply to (it decides which
/// <c>versions</c> entry is rewritten), rewritten only when they change, so that its time stamp tells
/// MSBuild whether EditCatalog must run again.
/// </summary>
public sealed record OverridesFile(string RacketVersion, IReadOnlyList<OverrideSpec> Overrides)
{
    private static readonly JsonSerializerOptions Json = IO.PipelineJson.Options(new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    });

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
            foreach (var o in Overrides)
            {
                json.WriteStartObject();
                json.WriteString("name", o.Name);
                foreach (var (name, value) in new[] { ("source", o.Source), ("repository", o.Repository), ("with", o.With), ("rev", o.Rev), ("commit", o.Commit), ("resolvedCommit", o.ResolvedCommit), ("resolvedAs", o.ResolvedAs) })
                {
                    if (value != null)
                    {
                        json.WriteString(name, value);
                    }
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static OverridesFile Read(string path) =>
        JsonSerializer.Deserialize<OverridesFile>(File.ReadAllText(path), Json)
        ?? throw new JsonException($"{path} holds no overrides.");
}
