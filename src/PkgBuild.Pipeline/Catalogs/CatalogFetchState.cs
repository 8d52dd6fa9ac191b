using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// The state directory of CopyCatalog's fetch: <c>sources.json</c> (this record), one snapshot per
/// HTTP source, and <c>fingerprint</c>, a file rewritten only when some source really changed, which
/// is what the CopyCatalog target lists as its input.
/// </summary>
public sealed record CatalogFetchState
{
    public const string StateFile = "sources.json";
    public const string FingerprintFile = "fingerprint";

    private static readonly JsonSerializerOptions Json = PipelineJson.Options(new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public string? RacketVersion { get; init; }

    public required IReadOnlyList<CatalogSourceSnapshot> Sources { get; init; }

    /// <summary>One hash over the version and every source's fingerprint, in precedence order.</summary>
    [JsonIgnore]
    public string Fingerprint
    {
        get
        {
            var text = new StringBuilder().Append(RacketVersion).Append('\n');
            foreach (var source in Sources)
            {
                text.Append(source.Source).Append('\t').Append(source.Fingerprint).Append('\n');
            }
            return Sha256.Of(text.ToString());
        }
    }

    /// <summary>The state a previous fetch left, or null when there is none or it cannot be read.</summary>
    public static CatalogFetchState? TryLoad(string stateDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize<CatalogFetchState>(File.ReadAllText(Path.Combine(stateDirectory, StateFile)), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Loads what <see cref="Save"/> wrote; the copy step needs it.</summary>
    public static CatalogFetchState Load(string stateDirectory) =>
        TryLoad(stateDirectory) ?? throw new PkgBuildException(ErrorCodes.FileSystem,
            $"There is no readable catalog fetch state in {stateDirectory}; the fetch runs first, so something removed it. Build again.");

    /// <summary>Whether <see cref="Save"/> already wrote a state with this fingerprint (the state file is there too).</summary>
    public bool IsSaved(string stateDirectory)
    {
        var fingerprint = Path.Combine(stateDirectory, FingerprintFile);
        return File.Exists(Path.Combine(stateDirectory, StateFile)) && File.Exists(fingerprint) && File.ReadAllText(fingerprint) == Fingerprint;
    }

    /// <summary>Writes the state and, only when it differs, the fingerprint file. Returns whether the fingerprint changed.</summary>
    public bool Save(string stateDirectory)
    {
        AtomicFile.WriteAllText(Path.Combine(stateDirectory, StateFile), JsonSerializer.Serialize(this, Json));
        return AtomicFile.WriteAllTextIfChanged(Path.Combine(stateDirectory, FingerprintFile), Fingerprint);
    }
}
