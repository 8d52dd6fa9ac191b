using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Results;

/// <summary>
/// The words for one value of an enum the results use: <see cref="Spelling"/> wherever a machine reads it
/// (MSBuild item metadata, summary.json, results.json, the journals, CSS classes), <see cref="Label"/>
/// wherever a person reads it (console lines, report.html's text, report.md). <see cref="Meaning"/> is what
/// docs/outcomes.md says of it.
/// </summary>
public sealed record Term<T>(T Value, string Spelling, string Label, string Meaning)
    where T : struct, Enum;

/// <summary>One enum's table of <see cref="Term{T}"/>s, looked up both ways.</summary>
public sealed class Terms<T>
    where T : struct, Enum
{
    private readonly FrozenDictionary<T, Term<T>> _byValue;
    private readonly FrozenDictionary<string, T> _bySpelling;

    /// <summary>Throws when a value has no entry or two, or two entries share a spelling or a label.</summary>
    public Terms(IReadOnlyList<Term<T>> table)
    {
        var missing = Enum.GetValues<T>().Where(v => table.Count(t => t.Value.Equals(v)) != 1).ToList();
        if (missing.Count > 0 || table.DistinctBy(t => t.Spelling).Count() != table.Count || table.DistinctBy(t => t.Label).Count() != table.Count)
        {
            throw new ArgumentException($"The {typeof(T).Name} table needs exactly one entry per value ({string.Join(", ", missing)}), each spelling and label its own.", nameof(table));
        }
        Table = table;
        _byValue = table.ToFrozenDictionary(t => t.Value);
        _bySpelling = table.ToFrozenDictionary(t => t.Spelling, t => t.Value, StringComparer.Ordinal);
    }

    public IReadOnlyList<Term<T>> Table { get; }

    public Term<T> this[T value] => _byValue[value];

    public bool TryParse(string spelling, out T value) => _bySpelling.TryGetValue(spelling, out value);

    /// <summary>Writes <see cref="Term{T}.Spelling"/>; reads it, or the value's C# name as <see cref="JsonStringEnumConverter"/> also did.</summary>
    public JsonConverter<T> Converter() => new SpellingConverter(this);

    private sealed class SpellingConverter(Terms<T> terms) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (text != null && (terms.TryParse(text, out var value) || Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !text.Any(char.IsDigit)))
            {
                return value;
            }
            throw new JsonException($"'{text ?? reader.TokenType.ToString()}' is not a {typeof(T).Name}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(terms[value].Spelling);

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(terms[value].Spelling);
    }
}
