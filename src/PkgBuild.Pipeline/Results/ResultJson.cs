using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Results;

/// <summary>
/// The one JSON spelling of results everywhere they are written: camelCase names, outcomes and verdicts
/// in their spellings from <see cref="OutcomeTerms"/> and <see cref="Verdicts.VerdictTerms"/> (<c>test-failure</c>),
/// other enums in kebab-case, absent values left out. <see cref="Document"/> for files people
/// read, <see cref="Line"/> for journals (one object per line).
/// </summary>
public static class ResultJson
{
    public static JsonSerializerOptions Document { get; } = Make(indented: true);

    public static JsonSerializerOptions Line { get; } = Make(indented: false);

    private static JsonSerializerOptions Make(bool indented) => IO.PipelineJson.Options(new()
    {
        WriteIndented = indented,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { OutcomeTerms.Terms.Converter(), Verdicts.VerdictTerms.Terms.Converter(), new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
