namespace PkgBuild.Racket.Data;

/// <summary>
/// The written forms of symbols and keywords: bare when the reader would give the same symbol back,
/// else wrapped in <c>|...|</c>, or, when the name itself holds a <c>|</c>, with a backslash before
/// each character that needs one (as Racket does: <c>a\ b\|c</c>).
/// </summary>
internal static class SymbolText
{
    public static void WriteSymbol(string name, TextWriter output)
    {
        CharText.EnsureScalarValues(name, "symbol");
        var numberLike = name == "." || NumberParser.Classify(name) != NumberClass.NotANumber;
        var quote = name.Length == 0 || numberLike || ReaderSyntax.HasHashPrefix(name) || HasSpecialChar(name);
        Write(name, quote, escapeFirst: numberLike, output);
    }

    public static void WriteKeyword(string name, TextWriter output)
    {
        CharText.EnsureScalarValues(name, "keyword");
        output.Write("#:");
        var quote = name == "." || ReaderSyntax.HasHashPrefix(name) || HasSpecialChar(name);
        Write(name, quote, escapeFirst: false, output);
    }

    private static bool HasSpecialChar(string name)
    {
        foreach (var c in name)
        {
            if (ReaderSyntax.NeedsQuoteInSymbol(c))
            {
                return true;
            }
        }
        return false;
    }

    private static void Write(string name, bool quote, bool escapeFirst, TextWriter output)
    {
        if (!quote)
        {
            output.Write(name);
        }
        else if (!name.Contains('|'))
        {
            output.Write('|');
            output.Write(name);
            output.Write('|');
        }
        else
        {
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (ReaderSyntax.NeedsQuoteInSymbol(c) || (i == 0 && (c == '#' || escapeFirst)))
                {
                    output.Write('\\');
                }
                output.Write(c);
            }
        }
    }
}
