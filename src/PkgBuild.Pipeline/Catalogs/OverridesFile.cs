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
    public bool Write(string path) => AtomicFile.WriteAllTextIfChanged(path, JsonSerializer.Serialize(this, Json));

    public static OverridesFile Read(string path) =>
        JsonSerializer.Deserialize<OverridesFile>(File.ReadAllText(path), Json)
        ?? throw new JsonException($"{path} holds no overrides.");
}
