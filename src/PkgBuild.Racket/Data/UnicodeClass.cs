using System.Globalization;

namespace PkgBuild.Racket.Data;

/// <summary>
/// Racket's character classes that decide what <c>write</c> prints raw. They follow .NET's Unicode tables,
/// which may be newer than Racket's: a character assigned in between is printed raw by us and escaped by
/// Racket, and both read back as the same string.
/// </summary>
internal static class UnicodeClass
{
    /// <summary><c>char-graphic?</c>: letters, marks, numbers, punctuation and symbols.</summary>
    public static bool IsGraphic(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
            or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
            or UnicodeCategory.OtherSymbol => true,
        _ => false,
    };

    /// <summary>Space separators (<c>char-blank?</c> without tab), which strings print raw.</summary>
    public static bool IsSpaceSeparator(int codePoint) =>
        CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.SpaceSeparator;

    /// <summary>
    /// What the reader skips between data: <c>char-whitespace?</c>, plus U+FEFF (a byte order mark), which
    /// Racket's reader also treats as whitespace.
    /// </summary>
    public static bool IsWhitespace(int codePoint) =>
        codePoint is >= 9 and <= 13 or 0x85 or 0xFEFF || (codePoint > 0x7f && (
            CharUnicodeInfo.GetUnicodeCategory(codePoint) is UnicodeCategory.SpaceSeparator
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)) || codePoint == ' ';
}
