namespace PkgBuild.Racket.Data;

/// <summary>The shapes of Racket data that catalogs, installer tables and summaries use.</summary>
public enum DatumKind
{
    Boolean,
    Integer,
    Rational,
    Flonum,
    Character,
    String,
    ByteString,
    Symbol,
    Keyword,
    /// <summary>A proper list, an improper list (<c>(a . b)</c>), or the empty list.</summary>
    List,
    Vector,
    Hash,
    Box,
    Prefab,
    Regexp,
}
