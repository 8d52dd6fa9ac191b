using System.Buffers;
using System.Text;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

/// <summary>The written forms of characters, strings and byte strings.</summary>
internal static class CharText
{
    /// <summary>Character names <c>write</c> uses, by code point; the reader also takes <c>null</c> and <c>linefeed</c>.</summary>
    public static readonly IReadOnlyDictionary<int, string> Names = new Dictionary<int, string>
    {
        [0] = "nul", [8] = "backspace", [9] = "tab", [10] = "newline", [11] = "vtab",
        [12] = "page", [13] = "return", [32] = "space", [127] = "rubout",
    };

    public static void WriteChar(Rune rune, TextWriter output)
    {
        output.Write("#\\");
        if (Names.TryGetValue(rune.Value, out var name))
        {
            output.Write(name);
        }
        else if (UnicodeClass.IsGraphic(rune.Value))
        {
            output.Write(rune.ToString());
        }
        else
        {
            WriteUnicodeEscape(rune.Value, output);
        }
    }

    public static void WriteString(string value, TextWriter output)
    {
        output.Write('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\a': output.Write("\\a"); continue;
                case '\b': output.Write("\\b"); continue;
                case '\t': output.Write("\\t"); continue;
                case '\n': output.Write("\\n"); continue;
                case '\v': output.Write("\\v"); continue;
                case '\f': output.Write("\\f"); continue;
                case '\r': output.Write("\\r"); continue;
                case '\x1b': output.Write("\\e"); continue;
                case '"': output.Write("\\\""); continue;
                case '\\': output.Write("\\\\"); continue;
            }
            if (c is >= ' ' and < '\x7f')
            {
                output.Write(c);
                continue;
            }
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
            {
                throw new PkgBuildException(ErrorCodes.DataNotWritable,
                    $"The string has a lone UTF-16 surrogate (U+{(int)c:X4}) at index {i}; Racket strings hold only Unicode scalar values.");
            }
            if (UnicodeClass.IsGraphic(rune.Value) || UnicodeClass.IsSpaceSeparator(rune.Value))
            {
                output.Write(value.AsSpan(i, used));
            }
            else
            {
                output.Write('\\');
                WriteUnicodeEscape(rune.Value, output);
            }
            i += used - 1;
        }
        output.Write('"');
    }

    public static void WriteBytes(ReadOnlySpan<byte> value, TextWriter output)
    {
        output.Write("#\"");
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            switch (b)
            {
                case 7: output.Write("\\a"); continue;
                case 8: output.Write("\\b"); continue;
                case 9: output.Write("\\t"); continue;
                case 10: output.Write("\\n"); continue;
                case 11: output.Write("\\v"); continue;
                case 12: output.Write("\\f"); continue;
                case 13: output.Write("\\r"); continue;
                case 27: output.Write("\\e"); continue;
                case (byte)'"': output.Write("\\\""); continue;
                case (byte)'\\': output.Write("\\\\"); continue;
            }
            if (b is >= 32 and < 127)
            {
                output.Write((char)b);
                continue;
            }
            // Octal with as few digits as possible, unless the next byte is an octal digit that would join it.
            var nextIsOctalDigit = i + 1 < value.Length && value[i + 1] is >= (byte)'0' and <= (byte)'7';
            output.Write('\\');
            output.Write(Convert.ToString(b, 8).PadLeft(nextIsOctalDigit ? 3 : 1, '0'));
        }
        output.Write('"');
    }

    /// <summary>Refuses text with a lone surrogate, which Racket text cannot hold.</summary>
    public static void EnsureScalarValues(string text, string what)
    {
        var i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        while (i >= 0 && i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out var used) != OperationStatus.Done)
            {
                throw new PkgBuildException(ErrorCodes.DataNotWritable,
                    $"The {what} has a lone UTF-16 surrogate (U+{(int)text[i]:X4}) at index {i}; Racket text holds only Unicode scalar values.");
            }
            i += used;
        }
    }

    /// <summary><c>uXXXX</c> for the BMP, <c>UXXXXXXXX</c> beyond it (the caller writes the backslash).</summary>
    private static void WriteUnicodeEscape(int codePoint, TextWriter output) =>
        output.Write(codePoint <= 0xFFFF ? $"u{codePoint:X4}" : $"U{codePoint:X8}");
}
