using System.Globalization;
using System.Text;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

public sealed partial class DatumReader
{
    private enum TokenKind
    {
        End,
        Atom,
        Open,
        VectorOpen,
        HashOpen,
        PrefabOpen,
        Close,
        Dot,
        Prefix,
        DatumComment,
    }

    private readonly record struct Token(TokenKind Kind, SourceLocation Location)
    {
        public Datum? Datum { get; init; }
        public char Close { get; init; }
        public string? Text { get; init; }
        public HashKind HashKind { get; init; }
        public string? QuoteSymbol { get; init; }
        public FrameKind PrefixFrame { get; init; }
    }

    private static readonly Dictionary<string, int> CharNamesRead = new(StringComparer.OrdinalIgnoreCase)
    {
        ["nul"] = 0, ["null"] = 0, ["backspace"] = 8, ["tab"] = 9, ["newline"] = 10, ["linefeed"] = 10,
        ["vtab"] = 11, ["page"] = 12, ["return"] = 13, ["space"] = 32, ["rubout"] = 127,
    };

    private Token NextToken()
    {
        SkipAtmosphere(out var hashConsumed, out var start);
        if (hashConsumed)
        {
            return ReadHashDispatch(start);
        }
        var c = _source.Peek();
        switch (c)
        {
            case -1:
                return new Token(TokenKind.End, start);
            case '(' or '[' or '{':
                _source.Read();
                return new Token(TokenKind.Open, start) { Close = Closer(c), Text = c switch { '(' => "(", '[' => "[", _ => "{" } };
            case ')' or ']' or '}':
                _source.Read();
                return new Token(TokenKind.Close, start) { Close = (char)c };
            case '"':
                _source.Read();
                return Atom(start, new RacketString(ReadStringBody(start, bytes: false)));
            case '\'':
                _source.Read();
                return Prefix(start, "'", "quote");
            case '`':
                _source.Read();
                return Prefix(start, "`", "quasiquote");
            case ',':
                _source.Read();
                if (_source.Peek() == '@')
                {
                    _source.Read();
                    return Prefix(start, ",@", "unquote-splicing");
                }
                return Prefix(start, ",", "unquote");
            default:
                return ReadSymbolOrNumber(start, prefix: "");
        }
    }

    private static char Closer(int open) => open switch { '(' => ')', '[' => ']', _ => '}' };

    private static Token Atom(SourceLocation start, Datum datum)
    {
        datum.SetLocation(start);
        return new Token(TokenKind.Atom, start) { Datum = datum };
    }

    private static Token Prefix(SourceLocation start, string text, string symbol) =>
        new(TokenKind.Prefix, start) { Text = text, QuoteSymbol = symbol, PrefixFrame = FrameKind.Quote };

    /// <summary>
    /// Skips whitespace and comments (<c>;</c>, nested <c>#| |#</c>, <c>#!</c> lines). A <c>#</c> that starts
    /// a datum is consumed too (its meaning needs the next character); <paramref name="hashConsumed"/> says so.
    /// </summary>
    private void SkipAtmosphere(out bool hashConsumed, out SourceLocation start)
    {
        hashConsumed = false;
        while (true)
        {
            start = _source.Location;
            var c = _source.Peek();
            if (c < 0)
            {
                return;
            }
            if (UnicodeClass.IsWhitespace(c))
            {
                _source.Read();
                continue;
            }
            if (c == ';')
            {
                SkipLine();
                continue;
            }
            if (c != '#')
            {
                return;
            }
            _source.Read();
            var next = _source.Peek();
            if (next == '|')
            {
                _source.Read();
                SkipBlockComment(start);
                continue;
            }
            if (next == '!')
            {
                _source.Read();
                var after = _source.Peek();
                if (after is ' ' or '/')
                {
                    SkipLine();
                    continue;
                }
                throw Error(ErrorCodes.DataSyntax, "`#!` here is not a comment (only `#! ` and `#!/` lines are)", start);
            }
            hashConsumed = true;
            return;
        }
    }

    private void SkipLine()
    {
        while (_source.Peek() is >= 0 and not '\n' and not '\r')
        {
            _source.Read();
        }
    }

    private void SkipBlockComment(SourceLocation start)
    {
        var depth = 1;
        while (depth > 0)
        {
            var c = _source.Read();
            if (c < 0)
            {
                throw Error(ErrorCodes.DataUnexpectedEnd, "the block comment `#|` is not closed with `|#` before the end of the input", start);
            }
            if (c == '|' && _source.Peek() == '#')
            {
                _source.Read();
                depth--;
            }
            else if (c == '#' && _source.Peek() == '|')
            {
                _source.Read();
                depth++;
            }
        }
    }

    /// <summary>What follows a <c>#</c> that starts a datum.</summary>
    private Token ReadHashDispatch(SourceLocation start)
    {
        var c = _source.Peek();
        switch (c)
        {
            case -1:
                throw Error(ErrorCodes.DataUnexpectedEnd, "expected something after `#`", start);
            case '(' or '[' or '{':
                _source.Read();
                return new Token(TokenKind.VectorOpen, start) { Close = Closer(c), Text = "#" + (char)c };
            case '"':
                _source.Read();
                return Atom(start, new RacketBytes(Latin1(ReadStringBody(start, bytes: true))));
            case '\\':
                _source.Read();
                return Atom(start, new RacketChar(ReadCharConstant(start)));
            case ':':
                _source.Read();
                var keyword = ReadAtomText(start, out var quotedKeyword);
                if (keyword == "." && !quotedKeyword)
                {
                    throw Error(ErrorCodes.DataSyntax, "illegal use of `.` (write the keyword as `#:|.|`)", start);
                }
                return Atom(start, new RacketKeyword(keyword));
            case '&':
                _source.Read();
                return new Token(TokenKind.Prefix, start) { Text = "#&", PrefixFrame = FrameKind.Box };
            case ';':
                _source.Read();
                return new Token(TokenKind.DatumComment, start) { Text = "#;" };
            case '\'':
                _source.Read();
                return Prefix(start, "#'", "syntax");
            case '`':
                _source.Read();
                return Prefix(start, "#`", "quasisyntax");
            case ',':
                _source.Read();
                if (_source.Peek() == '@')
                {
                    _source.Read();
                    return Prefix(start, "#,@", "unsyntax-splicing");
                }
                return Prefix(start, "#,", "unsyntax");
            case '%':
                return ReadSymbolOrNumber(start, prefix: "#");
            case '<':
                throw Error(ErrorCodes.DataSyntax, "`#<...>` is how Racket prints a value that has no readable form; such data cannot be read back", start);
        }
        if (c is >= '0' and <= '9')
        {
            throw Error(ErrorCodes.DataSyntax, "graph references (`#0=`, `#0#`) and length-prefixed vectors are not supported", start);
        }
        if (char.ToLowerInvariant((char)c) is 'e' or 'i' or 'x' or 'o' or 'b' or 'd')
        {
            return ReadSymbolOrNumber(start, prefix: "#");
        }
        var word = ReadWord();
        switch (word)
        {
            case "t" or "T" or "true":
                return Atom(start, new RacketBoolean(true));
            case "f" or "F" or "false":
                return Atom(start, new RacketBoolean(false));
            case "hash" or "hasheqv" or "hasheq" or "hashalw" when _source.Peek() is '(' or '[' or '{':
                var open = _source.Read();
                var kind = word switch { "hash" => HashKind.Equal, "hasheqv" => HashKind.Eqv, "hasheq" => HashKind.Eq, _ => HashKind.EqualAlways };
                return new Token(TokenKind.HashOpen, start) { Close = Closer(open), HashKind = kind, Text = $"#{word}{(char)open}" };
            case "s" when _source.Peek() is '(' or '[' or '{':
                var prefabOpen = _source.Read();
                return new Token(TokenKind.PrefabOpen, start) { Close = Closer(prefabOpen), Text = $"#s{(char)prefabOpen}" };
            case "rx" or "px":
                var regexpKind = word == "rx" ? RegexpKind.Rx : RegexpKind.Px;
                if (_source.Peek() == '"')
                {
                    _source.Read();
                    return Atom(start, new RacketRegexp(regexpKind, new RacketString(ReadStringBody(start, bytes: false))));
                }
                if (_source.Peek() == '#')
                {
                    _source.Read();
                    if (_source.Read() == '"')
                    {
                        return Atom(start, new RacketRegexp(regexpKind, new RacketBytes(Latin1(ReadStringBody(start, bytes: true)))));
                    }
                }
                throw Error(ErrorCodes.DataSyntax, $"expected a string after `#{word}`", start);
        }
        throw Error(ErrorCodes.DataSyntax, $"bad syntax `#{Truncate(word)}`{(word.Length == 0 ? $" (`#` followed by `{(char)c}`)" : "")}", start);
    }

    /// <summary>Letters only (for <c>#t</c>, <c>#hash</c>, <c>#rx</c>...); the word must end at a delimiter or an opener.</summary>
    private string ReadWord()
    {
        _text.Clear();
        while (_source.Peek() is var c && c >= 0 && char.IsAsciiLetter((char)c))
        {
            _text.Append((char)_source.Read());
        }
        var next = _source.Peek();
        if (next >= 0 && !ReaderSyntax.IsDelimiter(next) && next != '#' && next != '"')
        {
            // "#tx", "#hash1": not a word we know; take the rest so the message shows it.
            while (_source.Peek() is var d && d >= 0 && !ReaderSyntax.IsDelimiter(d))
            {
                _text.Append((char)_source.Read());
            }
        }
        return _text.ToString();
    }

    /// <summary>A symbol, a number, or a lone <c>.</c>; <paramref name="prefix"/> is a consumed <c>#</c>.</summary>
    private Token ReadSymbolOrNumber(SourceLocation start, string prefix)
    {
        var text = prefix + ReadAtomText(start, out var quoted);
        if (quoted || text.StartsWith("#%", StringComparison.Ordinal))
        {
            return Atom(start, new RacketSymbol(text));
        }
        if (text == ".")
        {
            return new Token(TokenKind.Dot, start);
        }
        switch (NumberParser.Parse(text, out var number, out var error))
        {
            case NumberClass.Number:
                return Atom(start, number!);
            case NumberClass.Invalid:
                throw Error(ErrorCodes.DataSyntax, error!, start);
        }
        if (prefix.Length > 0 && !text.StartsWith("#%", StringComparison.Ordinal))
        {
            throw Error(ErrorCodes.DataSyntax, $"bad number `{Truncate(text)}`", start);
        }
        return Atom(start, new RacketSymbol(text));
    }

    /// <summary>Symbol text up to a delimiter, with <c>|...|</c> and <c>\x</c> quoting removed.</summary>
    private string ReadAtomText(SourceLocation start, out bool quoted)
    {
        _text.Clear();
        quoted = false;
        while (true)
        {
            var c = _source.Peek();
            if (c < 0 || ReaderSyntax.IsDelimiter(c))
            {
                return _text.ToString();
            }
            _source.Read();
            if (c == '\\')
            {
                quoted = true;
                var escaped = _source.Read();
                if (escaped < 0)
                {
                    throw Error(ErrorCodes.DataUnexpectedEnd, "expected a character after `\\` before the end of the input", start);
                }
                _text.Append((char)escaped);
                if (char.IsHighSurrogate((char)escaped))
                {
                    _text.Append((char)_source.Read());
                }
            }
            else if (c == '|')
            {
                quoted = true;
                while (true)
                {
                    var inner = _source.Read();
                    if (inner < 0)
                    {
                        throw Error(ErrorCodes.DataUnexpectedEnd, "a `|` in a symbol is not closed before the end of the input", start);
                    }
                    if (inner == '|')
                    {
                        break;
                    }
                    _text.Append((char)inner);
                }
            }
            else
            {
                _text.Append((char)c);
            }
        }
    }

    /// <summary>After <c>#\</c>: a character, a name such as <c>space</c>, <c>uXXXX</c>, or three octal digits.</summary>
    private Rune ReadCharConstant(SourceLocation start)
    {
        var c = _source.Read();
        if (c < 0)
        {
            throw Error(ErrorCodes.DataUnexpectedEnd, "expected a character after `#\\`", start);
        }
        if (char.IsHighSurrogate((char)c))
        {
            return new Rune((char)c, (char)_source.Read());
        }
        if ((c is 'u' or 'U') && IsHexDigit(_source.Peek()))
        {
            var value = ReadDigits(16, c == 'u' ? 4 : 8);
            if (!Rune.IsValid(value))
            {
                throw Error(ErrorCodes.DataBadEscape, $"`#\\{(char)c}{value:X}` is not a Unicode scalar value", start);
            }
            return new Rune(value);
        }
        if (c is >= '0' and <= '7' && _source.Peek() is >= '0' and <= '7')
        {
            var octal = (c - '0') * 64 + ReadDigits(8, 2, exactly: true, start);
            if (octal > 255)
            {
                throw Error(ErrorCodes.DataBadEscape, "an octal character constant must be at most `#\\377`", start);
            }
            return new Rune(octal);
        }
        if (char.IsLetter((char)c) && _source.Peek() is var p && p >= 0 && char.IsLetter((char)p))
        {
            _text.Clear();
            _text.Append((char)c);
            while (_source.Peek() is var l && l >= 0 && char.IsLetter((char)l))
            {
                _text.Append((char)_source.Read());
            }
            var name = _text.ToString();
            if (CharNamesRead.TryGetValue(name, out var named))
            {
                return new Rune(named);
            }
            throw Error(ErrorCodes.DataBadEscape, $"bad character constant `#\\{Truncate(name)}`", start);
        }
        return new Rune(c);
    }

    private static bool IsHexDigit(int c) => c >= 0 && char.IsAsciiHexDigit((char)c);

    /// <summary>Up to <paramref name="max"/> digits in <paramref name="radix"/> (at least one is known to follow).</summary>
    private int ReadDigits(int radix, int max, bool exactly = false, SourceLocation start = default)
    {
        var value = 0;
        for (var i = 0; i < max; i++)
        {
            var c = _source.Peek();
            var digit = c < 0 ? -1 : NumberParser.DigitValue((char)c, radix);
            if (digit < 0)
            {
                if (exactly)
                {
                    throw Error(ErrorCodes.DataBadEscape, "expected three octal digits", start);
                }
                break;
            }
            _source.Read();
            value = value * radix + digit;
        }
        return value;
    }

    /// <summary>
    /// The body of a string or byte string after its opening quote, escapes decoded. For byte strings each
    /// char of the result is one byte (0-255).
    /// </summary>
    private string ReadStringBody(SourceLocation start, bool bytes)
    {
        var what = bytes ? "byte string" : "string";
        var result = _text.Clear(); // one buffer for every token: strings are most of a catalog
        while (true)
        {
            var at = _source.Location;
            var c = _source.Read();
            if (c < 0)
            {
                throw Error(ErrorCodes.DataUnexpectedEnd, $"the {what} is not closed with `\"` before the end of the input", start);
            }
            if (c == '"')
            {
                return result.ToString();
            }
            if (c != '\\')
            {
                if (bytes && c > 127)
                {
                    throw Error(ErrorCodes.DataSyntax, $"a byte string may hold only ASCII characters; use an escape such as `\\{Convert.ToString(c & 0xFF, 8)}` for other bytes", at);
                }
                result.Append((char)c);
                continue;
            }
            var e = _source.Read();
            switch (e)
            {
                case -1:
                    throw Error(ErrorCodes.DataUnexpectedEnd, $"the {what} is not closed with `\"` before the end of the input", start);
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'v': result.Append('\v'); break;
                case 'f': result.Append('\f'); break;
                case 'r': result.Append('\r'); break;
                case 'e': result.Append('\x1b'); break;
                case '"' or '\\' or '\'': result.Append((char)e); break;
                case '\n':
                    break;
                case '\r':
                    if (_source.Peek() == '\n')
                    {
                        _source.Read();
                    }
                    break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var i = 0; i < 2 && _source.Peek() is >= '0' and <= '7'; i++)
                    {
                        octal = octal * 8 + (_source.Read() - '0');
                    }
                    if (octal > 255)
                    {
                        throw Error(ErrorCodes.DataBadEscape, $"the octal escape `\\{Convert.ToString(octal, 8)}` is above `\\377`", at);
                    }
                    result.Append((char)octal);
                    break;
                case 'x' when IsHexDigit(_source.Peek()):
                    result.Append((char)ReadDigits(16, 2));
                    break;
                case ('u' or 'U') when !bytes && IsHexDigit(_source.Peek()):
                    AppendUnicodeEscape(result, e, at);
                    break;
                default:
                    throw Error(ErrorCodes.DataBadEscape, $"unknown escape `\\{(char)e}` in a {what}", at);
            }
        }
    }

    private void AppendUnicodeEscape(StringBuilder result, int marker, SourceLocation at)
    {
        var value = ReadDigits(16, marker == 'u' ? 4 : 8);
        if (value is >= 0xD800 and <= 0xDBFF && marker == 'u')
        {
            // Racket joins a surrogate pair written as two \u escapes.
            if (_source.Peek() == '\\')
            {
                _source.Read();
                if (_source.Read() == 'u' && IsHexDigit(_source.Peek()))
                {
                    var low = ReadDigits(16, 4);
                    if (low is >= 0xDC00 and <= 0xDFFF)
                    {
                        result.Append((char)value).Append((char)low);
                        return;
                    }
                }
            }
            throw Error(ErrorCodes.DataBadEscape, $"bad or incomplete surrogate-style encoding `\\u{value:X4}`", at);
        }
        if (!Rune.IsValid(value))
        {
            throw Error(ErrorCodes.DataBadEscape, $"the escape `\\{(char)marker}{value:X}` is not a Unicode scalar value", at);
        }
        result.Append(new Rune(value).ToString());
    }

    private static byte[] Latin1(string text)
    {
        var result = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            result[i] = (byte)text[i];
        }
        return result;
    }
}
