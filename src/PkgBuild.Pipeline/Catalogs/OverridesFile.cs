using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.IO;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// <c>overrides.json</c>: the resolved overrides, rewritten only when they change, so that its time
/// stamp tells MSBuild whether EditCatalog must run again.
/// </summary>
public static class OverridesFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>Returns whether the file changed.</summary>
    public static bool Write(string path, IReadOnlyList<OverrideSpec> overrides) =>
        AtomicFile.WriteAllTextIfChanged(path, JsonSerializer.Serialize(overrides, Json));

    public static IReadOnlyList<OverrideSpec> Read(string path) =>
        JsonSerializer.Deserialize<List<OverrideSpec>>(File.ReadAllText(path), Json) ?? [];
}
