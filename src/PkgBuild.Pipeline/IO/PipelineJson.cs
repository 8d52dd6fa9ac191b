using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.State;

namespace PkgBuild.Pipeline.IO;

/// <summary>
/// Compile-time JSON metadata for the state files every build reads or writes (catalog fetch state,
/// run journal). Without it System.Text.Json builds each type's serializer by
/// reflection and emitted code on every build's first use, which was most of what a build with nothing to
/// do cost. Each file's own options still decide its names, enums and layout; types not listed here are
/// served by reflection as before.
/// </summary>
[JsonSerializable(typeof(CatalogFetchState))]
[JsonSerializable(typeof(RemoteCatalogEntries))]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;

/// <summary>Options for a state file: the given settings, with <see cref="PipelineJsonContext"/>'s metadata first.</summary>
internal static class PipelineJson
{
    public static JsonSerializerOptions Options(JsonSerializerOptions settings)
    {
        settings.TypeInfoResolver = JsonTypeInfoResolver.Combine(PipelineJsonContext.Default, new DefaultJsonTypeInfoResolver());
        return settings;
    }
}
