namespace PkgBuild.Racket.Data;

/// <summary>Characters that mean something to Racket's reader; the reader and the writer share them.</summary>
internal static class ReaderSyntax
{
    /// <summary>What ends a symbol or number token.</summary>
    public static bool IsDelimiter(int c) =>
        c is '(' or ')' or '[' or ']' or '{' or '}' or '"' or ',' or '\'' or '`' or ';' || UnicodeClass.IsWhitespace(c);

    /// <summary>What a symbol's written form must quote: delimiters, and <c>|</c> and <c>\</c>, which quote.</summary>
    public static bool NeedsQuoteInSymbol(char c) => c is '|' or '\\' || IsDelimiter(c);

    /// <summary>
    /// A leading <c>#</c> starts a <c>#</c> form, so a symbol or keyword name that starts with one is quoted,
    /// except <c>#%</c>, which the reader takes as a symbol.
    /// </summary>
    public static bool HasHashPrefix(string name) =>
        name.StartsWith('#') && !name.StartsWith("#%", StringComparison.Ordinal);
}
