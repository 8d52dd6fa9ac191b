using System.Collections.Immutable;
using System.Numerics;
using System.Text;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using Xunit;

namespace PkgBuild.Racket.Tests.Data;

/// <summary>Expected texts are what Racket 8.7 CS's <c>write</c> printed for the same values.</summary>
public class DatumWriterTests
{
    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "1e+20")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e-5, "1e-5")]
    [InlineData(123.0, "123.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(double.PositiveInfinity, "+inf.0")]
    [InlineData(double.NegativeInfinity, "-inf.0")]
    [InlineData(double.NaN, "+nan.0")]
    [InlineData(1.5e-300, "1.5e-300")]
    [InlineData(12345678901234567890.0, "12345678901234567000.0")]
    [InlineData(1.2345678901234567e20, "1.2345678901234567e+20")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1e13, "10000000000000.0")]
    [InlineData(1e14, "1e+14")]
    [InlineData(15000000000.0, "15000000000.0")]
    [InlineData(1234567.125, "1234567.125")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(-1e21, "-1e+21")]
    [InlineData(0.00012345, "0.00012345")]
    [InlineData(2110005183816207.25, "2110005183816207.3")]
    [InlineData(2110005183816207.75, "2110005183816207.8")]
    [InlineData(0.5, "0.5")]
    public void Flonums_print_as_racket_does(double value, string expected) =>
        Assert.Equal(expected, new RacketFlonum(value).ToString());

    [Theory]
    [InlineData("a b", "|a b|")]
    [InlineData("", "||")]
    [InlineData(".", "|.|")]
    [InlineData("1", "|1|")]
    [InlineData("1a", "1a")]
    [InlineData("#a", "|#a|")]
    [InlineData("#%app", "#%app")]
    [InlineData("a|b", "a\\|b")]
    [InlineData("a\\b", "|a\\b|")]
    [InlineData("A", "A")]
    [InlineData("(", "|(|")]
    [InlineData("a#", "a#")]
    [InlineData("+", "+")]
    [InlineData("...", "...")]
    [InlineData("1/2", "|1/2|")]
    [InlineData("+inf.0", "|+inf.0|")]
    [InlineData("λ", "λ")]
    [InlineData("a;b", "|a;b|")]
    [InlineData("1e3", "|1e3|")]
    [InlineData("-a", "-a")]
    [InlineData("#", "|#|")]
    [InlineData("|", "\\|")]
    [InlineData("a b|c", "a\\ b\\|c")]
    [InlineData("a\\|b", "a\\\\\\|b")]
    [InlineData("#|", "\\#\\|")]
    [InlineData("|a", "\\|a")]
    [InlineData("a\u00A0b", "|a\u00A0b|")]
    [InlineData("+i", "|+i|")]
    [InlineData("1+2i", "|1+2i|")]
    [InlineData("-nan.0", "|-nan.0|")]
    [InlineData("1#", "|1#|")]
    [InlineData("a{b", "|a{b|")]
    [InlineData("#%a b", "|#%a b|")]
    public void Symbols_are_quoted_only_when_needed(string name, string expected) =>
        Assert.Equal(expected, new RacketSymbol(name).ToString());

    [Theory]
    [InlineData("a", "#:a")]
    [InlineData("a b", "#:|a b|")]
    [InlineData("", "#:")]
    [InlineData("1", "#:1")]
    [InlineData("#x", "#:|#x|")]
    [InlineData("|", "#:\\|")]
    [InlineData(".", "#:|.|")]
    [InlineData("..", "#:..")]
    [InlineData("#", "#:|#|")]
    [InlineData("#%", "#:#%")]
    public void Keywords(string name, string expected) => Assert.Equal(expected, new RacketKeyword(name).ToString());

    [Theory]
    [InlineData(0x61, "#\\a")]
    [InlineData(0x20, "#\\space")]
    [InlineData(0x0A, "#\\newline")]
    [InlineData(0x00, "#\\nul")]
    [InlineData(0x7F, "#\\rubout")]
    [InlineData(0x01, "#\\u0001")]
    [InlineData(0x3BB, "#\\λ")]
    [InlineData(0xA0, "#\\u00A0")]
    [InlineData(0x200B, "#\\u200B")]
    [InlineData(0xFFFF, "#\\uFFFF")]
    [InlineData(0x10FFFF, "#\\U0010FFFF")]
    [InlineData(0x1F600, "#\\😀")]
    [InlineData(0x301, "#\\\u0301")]
    [InlineData(0xAD, "#\\u00AD")]
    [InlineData(0xE0001, "#\\U000E0001")]
    public void Characters(int codePoint, string expected) =>
        Assert.Equal(expected, new RacketChar(new Rune(codePoint)).ToString());

    [Fact]
    public void Strings_escape_what_racket_escapes()
    {
        var value = string.Concat(new[] { 7, 8, 9, 10, 11, 12, 13, 27, 34, 92, 1, 127, 128, 160, 0x85, 0x200B, 0x2028, 0xFEFF, 0x1F600, 0xFFFF, 0x10FFFF, 0xE000, 0x3bb }
            .Select(c => char.ConvertFromUtf32(c)));
        Assert.Equal("\"\\a\\b\\t\\n\\v\\f\\r\\e\\\"\\\\\\u0001\\u007F\\u0080\u00A0\\u0085\\u200B\\u2028\\uFEFF😀\\uFFFF\\U0010FFFF\\uE000λ\"",
            new RacketString(value).ToString());
    }

    [Fact]
    public void Byte_strings_use_short_octal_unless_a_digit_follows()
    {
        Assert.Equal("#\"\\0001\"", new RacketBytes(new byte[] { 0, 49 }).ToString());
        Assert.Equal("#\"\\08\"", new RacketBytes(new byte[] { 0, 56 }).ToString());
        Assert.Equal("#\"\\0017\"", new RacketBytes(new byte[] { 1, 55 }).ToString());
        Assert.Equal("#\"\\3101\"", new RacketBytes(new byte[] { 200, 49 }).ToString());
        Assert.Equal("#\"\\0001\\a2\"", new RacketBytes(new byte[] { 0, 49, 7, 50 }).ToString());
        var all = new RacketBytes(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()).ToString();
        Assert.StartsWith("#\"\\0\\1\\2\\3\\4\\5\\6\\a\\b\\t\\n\\v\\f\\r\\16\\17\\20", all);
        Assert.Contains("\\37 !\\\"#$%&'()*+,-./0123456789:;<=>?@ABC", all);
        Assert.EndsWith("z{|}~\\177\\200\\201", all[..(all.IndexOf("\\201", StringComparison.Ordinal) + 4)]);
    }

    [Fact]
    public void Compound_data()
    {
        Datum S(string s) => new RacketSymbol(s);
        Datum I(int i) => new RacketInteger(i);
        Assert.Equal("(1 . 2)", RacketList.Cons(I(1), I(2)).ToString());
        Assert.Equal("(1 2 . 3)", new RacketList(ImmutableArray.Create(I(1), I(2)), I(3)).ToString());
        Assert.Equal("(quote a)", new RacketList(S("quote"), S("a")).ToString());
        Assert.Equal("()", RacketList.Empty.ToString());
        Assert.Equal("#()", new RacketVector().ToString());
        Assert.Equal("#hasheq((a . 1) (b . 2))",
            new RacketHash(HashKind.Eq, new[] { KeyValuePair.Create(S("a"), I(1)), KeyValuePair.Create(S("b"), I(2)) }).ToString());
        Assert.Equal("#hash()", RacketHash.Empty().ToString());
        Assert.Equal("#hashalw((1 . 2))", new RacketHash(HashKind.EqualAlways, new[] { KeyValuePair.Create(I(1), I(2)) }).ToString());
        Assert.Equal("#s(point 1 2)", new RacketPrefab(S("point"), ImmutableArray.Create(I(1), I(2))).ToString());
        Assert.Equal("#s((point #(1)) 1 2)",
            new RacketPrefab(new RacketList(S("point"), I(2), new RacketVector(I(1))), ImmutableArray.Create(I(1), I(2))).ToString());
        Assert.Equal("#&1", new RacketBox(I(1)).ToString());
        Assert.Equal("#rx\"a.b\"", new RacketRegexp(RegexpKind.Rx, new RacketString("a.b")).ToString());
        Assert.Equal("#px\"\\\\d\"", new RacketRegexp(RegexpKind.Px, new RacketString("\\d")).ToString());
        Assert.Equal("#rx#\"x\"", new RacketRegexp(RegexpKind.Rx, new RacketBytes(new byte[] { (byte)'x' })).ToString());
        Assert.Equal("1/2", RacketRational.Create(2, 4).ToString());
        Assert.Equal("-3/4", RacketRational.Create(3, -4).ToString());
        Assert.Equal("1000000000000000000000000000000", new RacketInteger(BigInteger.Pow(10, 30)).ToString());
        Assert.Equal("#t", RacketBoolean.True.ToString());
    }

    [Fact]
    public void Deep_nesting_writes_without_recursion()
    {
        Datum d = RacketList.Empty;
        for (var i = 0; i < 200_000; i++)
        {
            d = new RacketList(d);
        }
        var text = d.ToString();
        Assert.Equal(400_002, text.Length);
        Assert.StartsWith("((((", text);
    }

    [Fact]
    public void A_lone_surrogate_is_not_writable()
    {
        var error = Assert.Throws<PkgBuildException>(() => new RacketString("a\uD800b").ToString());
        Assert.Equal(ErrorCodes.DataNotWritable, error.Code);
    }
}
