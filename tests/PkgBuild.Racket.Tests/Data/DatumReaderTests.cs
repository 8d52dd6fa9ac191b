using System.Numerics;
using System.Text;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using Xunit;

namespace PkgBuild.Racket.Tests.Data;

public class DatumReaderTests
{
    private static Datum Read(string text) => DatumReader.ReadSingle(text, "test.rktd");

    private static PkgBuildException Fails(string text) =>
        Assert.Throws<PkgBuildException>(() => DatumReader.ReadAll(text, "bad.rktd"));

    [Theory]
    [InlineData("1/0")]
    [InlineData("#e+inf.0")]
    [InlineData("1+2i")]
    [InlineData("1.0t0")]
    [InlineData("#xZZ")]
    [InlineData("#TRUE")]
    [InlineData("#<procedure>")]
    [InlineData("#0=(a)")]
    [InlineData("(a . b c)")]
    [InlineData("( . a)")]
    [InlineData("#hash((a 1))")]
    [InlineData("#hash(a)")]
    [InlineData("#s()")]
    [InlineData("#s(1 2)")]
    [InlineData("'")]
    [InlineData("#\"é\"")]
    [InlineData("#!eof")]
    public void Rejects_what_racket_rejects_or_we_do_not_represent(string text)
    {
        var error = Fails(text);
        Assert.StartsWith("PKB01", error.Code);
        Assert.Equal("bad.rktd", error.Location.File);
        Assert.True(error.Location.Line >= 1 && error.Location.Column >= 1, error.ToString());
    }

    [Theory]
    [InlineData("\"\\uD83D\\uDE00\"", "😀")]
    [InlineData("\"\\x41;\"", "A;")]
    [InlineData("\"\\101\"", "A")]
    [InlineData("\"\\u00411\"", "A1")]
    [InlineData("\"a\\\nb\"", "ab")]
    [InlineData("\"\\U0001F600\"", "😀")]
    [InlineData("\"\\u12345\"", "\u12345")]
    [InlineData("\"\\'\"", "'")]
    public void String_escapes(string text, string expected) => Assert.Equal(expected, ((RacketString)Read(text)).Value);

    [Theory]
    [InlineData("#\\Space", 32)]
    [InlineData("#\\SPACE", 32)]
    [InlineData("#\\101", 65)]
    [InlineData("#\\u41", 65)]
    [InlineData("#\\linefeed", 10)]
    [InlineData("#\\null", 0)]
    [InlineData("#\\U1F600", 0x1F600)]
    [InlineData("#\\u00E9", 0xE9)]
    [InlineData("#\\λ", 0x3BB)]
    [InlineData("#\\(", '(')]
    [InlineData("#\\😀", 0x1F600)]
    public void Characters(string text, int expected) => Assert.Equal(expected, ((RacketChar)Read(text)).Value.Value);

    [Theory]
    [InlineData("#\\ab", ErrorCodes.DataBadEscape)]
    [InlineData("#\\delete", ErrorCodes.DataBadEscape)]
    [InlineData("\"\\uD800\"", ErrorCodes.DataBadEscape)]
    [InlineData("\"\\U1F600a\"", ErrorCodes.DataBadEscape)]
    [InlineData("\"\\q\"", ErrorCodes.DataBadEscape)]
    [InlineData("\"\\777\"", ErrorCodes.DataBadEscape)]
    [InlineData("(a b", ErrorCodes.DataUnexpectedEnd)]
    [InlineData("\"abc", ErrorCodes.DataUnexpectedEnd)]
    [InlineData("#| a", ErrorCodes.DataUnexpectedEnd)]
    [InlineData("(a]", ErrorCodes.DataUnbalanced)]
    [InlineData(")", ErrorCodes.DataUnbalanced)]
    public void Error_codes(string text, string code) => Assert.Equal(code, Fails(text).Code);

    [Theory]
    [InlineData("1/0", "division by zero")]
    [InlineData("(a]", "expected `)` to close `(` at 1:1, found `]`")]
    public void Error_messages_say_what_is_wrong(string text, string fragment) =>
        Assert.Contains(fragment, Fails(text).Message);

    [Theory]
    [InlineData("#e1.5", "3/2")]
    [InlineData("#i1/2", "0.5")]
    [InlineData("#x1F", "31")]
    [InlineData("#x1.8", "1.5")]
    [InlineData("1e500", "+inf.0")]
    [InlineData("#e1e30", "1000000000000000000000000000000")]
    [InlineData("1/2e3", "500.0")]
    [InlineData("1#.#", "10.0")]
    [InlineData("1f3", "1000.0")]
    [InlineData("1d3", "1000.0")]
    [InlineData("1s3", "1000.0")]
    [InlineData("1l3", "1000.0")]
    [InlineData("1E3", "1000.0")]
    [InlineData("#b101", "5")]
    [InlineData("#o17", "15")]
    [InlineData("-0", "0")]
    [InlineData("+5", "5")]
    [InlineData("#x-ff", "-255")]
    [InlineData("#e#x10", "16")]
    [InlineData("#x#e10", "16")]
    [InlineData(".5e1", "5.0")]
    [InlineData("+.5", "0.5")]
    [InlineData("-.5e-1", "-0.05")]
    [InlineData("1e-400", "0.0")]
    [InlineData("-nan.0", "+nan.0")]
    [InlineData("+nan.f", "+nan.0")]
    [InlineData("-inf.0", "-inf.0")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("6/4", "3/2")]
    [InlineData("#T", "#t")]
    [InlineData("#F", "#f")]
    [InlineData("#true", "#t")]
    [InlineData("#false", "#f")]
    [InlineData("(a . b . c)", "(b a c)")]
    [InlineData("(a . (b c))", "(a b c)")]
    [InlineData("(a . ())", "(a)")]
    [InlineData("[a {b}]", "(a (b))")]
    [InlineData("'a", "(quote a)")]
    [InlineData("`(a ,b ,@c)", "(quasiquote (a (unquote b) (unquote-splicing c)))")]
    [InlineData("#'a", "(syntax a)")]
    [InlineData("|a|b", "ab")]
    [InlineData("a||b", "ab")]
    [InlineData("#:a|b c|", "#:|ab c|")]
    [InlineData("#!/foo\n1", "1")]
    [InlineData("#|a #|b|# c|# 2", "2")]
    [InlineData("#;1 2", "2")]
    [InlineData("; c\n 2 ; d", "2")]
    [InlineData("#hash([a . 1])", "#hash((a . 1))")]
    [InlineData("#hash((a . 1) (a . 2))", "#hash((a . 2))")]
    [InlineData("#hash((a . (1 2)))", "#hash((a . (1 2)))")]
    [InlineData("#hash(#;(x y) (a . 1))", "#hash((a . 1))")]
    [InlineData("#s((point 2) 1 2)", "#s(point 1 2)")]
    [InlineData("#s((point 2 #()) 1 2)", "#s(point 1 2)")]
    [InlineData("#s((point 2 #(1)) 1 2)", "#s((point #(1)) 1 2)")]
    [InlineData("#&#&1", "#&#&1")]
    [InlineData("#px#\"a\"", "#px#\"a\"")]
    [InlineData("#%app", "#%app")]
    [InlineData("1a", "1a")]
    [InlineData("a\\ b", "|a b|")]
    [InlineData("#\\x41", "#\\x")]
    [InlineData("#(1 #[2] #{3})", "#(1 #(2) #(3))")]
    public void Reads_as_racket_does(string text, string written) =>
        Assert.Equal(written, DatumReader.ReadAll(text)[0].ToString());

    [Fact]
    public void Numbers_have_the_right_exactness()
    {
        Assert.Equal(new RacketInteger(BigInteger.Parse("123456789012345678901234567890")), Read("123456789012345678901234567890"));
        Assert.IsType<RacketFlonum>(Read("1."));
        Assert.True(double.IsNegative(((RacketFlonum)Read("-0.0")).Value));
        Assert.Equal(0.1, ((RacketFlonum)Read("0.1")).Value);
        Assert.Equal(2.2250738585072014e-308, ((RacketFlonum)Read("2.2250738585072014e-308")).Value);
        Assert.Equal(1.0 / 3, ((RacketFlonum)Read("#i1/3")).Value);
    }

    [Fact]
    public void Locations_are_one_based_lines_and_columns()
    {
        var data = DatumReader.ReadAll("(a\n  \"b\"\r\n #hash((c . 1)))", "f.rktd");
        var list = (RacketList)data[0];
        Assert.Equal(new SourceLocation("f.rktd", 1, 1, 0), list.Location);
        Assert.Equal((1, 2), (list.Items[0].Location.Line, list.Items[0].Location.Column));
        Assert.Equal((2, 3), (list.Items[1].Location.Line, list.Items[1].Location.Column));
        var hash = (RacketHash)list.Items[2];
        Assert.Equal((3, 2), (hash.Location.Line, hash.Location.Column));
        Assert.Equal((3, 9), (hash.Entries[0].Key.Location.Line, hash.Entries[0].Key.Location.Column));
    }

    [Fact]
    public void An_unclosed_list_is_reported_where_it_opens()
    {
        var error = Fails("(a\n (b\n c)");
        Assert.Equal(ErrorCodes.DataUnexpectedEnd, error.Code);
        Assert.Equal((1, 1), (error.Location.Line, error.Location.Column));
        Assert.Contains("end of the input at 3:4", error.Message);
        Assert.StartsWith("bad.rktd:1:1: PKB0101: read: `(` at 1:1 is not closed", error.ToString());
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_an_error_not_a_crash()
    {
        var text = new string('(', 100_000) + new string(')', 100_000);
        var error = Fails(text);
        Assert.Equal(ErrorCodes.DataTooDeep, error.Code);
        Assert.Equal(1001, error.Location.Column);
        var deepButAllowed = new DatumReaderOptions { MaxDepth = 200_000 };
        var datum = DatumReader.ReadSingle(text, options: deepButAllowed);
        Assert.Equal(datum, DatumReader.ReadSingle(datum.ToString(), options: deepButAllowed));
    }

    [Fact]
    public void Invalid_utf8_is_reported_with_its_position()
    {
        var bytes = Encoding.UTF8.GetBytes("(\"ok\"\n \"b").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\")")).ToArray();
        using var reader = new DatumReader(new MemoryStream(bytes), "u.rktd");
        var error = Assert.Throws<PkgBuildException>(() => reader.Read());
        Assert.Equal(ErrorCodes.DataEncoding, error.Code);
        Assert.Equal((2, 4), (error.Location.Line, error.Location.Column));
        Assert.Contains("0xC3", error.Message);
    }

    [Fact]
    public void Utf8_streams_decode_across_buffer_boundaries()
    {
        var text = "(" + string.Concat(Enumerable.Repeat("\"λ😀é\" ", 20_000)) + ")";
        using var reader = new DatumReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var list = (RacketList)reader.ReadSingle();
        Assert.Equal(20_000, list.Items.Length);
        Assert.All(list.Items, item => Assert.Equal("λ😀é", ((RacketString)item).Value));
    }

    [Fact]
    public void Hash_entries_stream_one_at_a_time()
    {
        var text = "; a catalog\n#hash((\"a\" . #hash((source . \"x\"))) #;(\"skip\" . 1) (\"b\" . (1 2)))\n";
        using var reader = new DatumReader(new StringReader(text), "pkgs-all");
        var entries = reader.ReadHashEntries().ToList();
        Assert.Equal(HashKind.Equal, reader.StreamedHashKind);
        Assert.Equal(new[] { "a", "b" }, entries.Select(e => ((RacketString)e.Key).Value));
        Assert.Equal("(1 2)", entries[1].Value.ToString());
        Assert.Equal((2, 8), (entries[0].Key.Location.Line, entries[0].Key.Location.Column));
    }

    [Theory]
    [InlineData("(1 2)", ErrorCodes.DataUnexpectedShape)]
    [InlineData("#hash((a . 1)) 2", ErrorCodes.DataSyntax)]
    [InlineData("#hash((a . 1)", ErrorCodes.DataUnexpectedEnd)]
    [InlineData("", ErrorCodes.DataUnexpectedEnd)]
    public void Streaming_a_hash_checks_its_shape(string text, string code)
    {
        using var reader = new DatumReader(new StringReader(text));
        Assert.Equal(code, Assert.Throws<PkgBuildException>(() => reader.ReadHashEntries().ToList()).Code);
    }

    [Fact]
    public void ReadSingle_refuses_trailing_data()
    {
        Assert.Equal(ErrorCodes.DataSyntax, Assert.Throws<PkgBuildException>(() => DatumReader.ReadSingle("1 2")).Code);
        Assert.Equal(ErrorCodes.DataUnexpectedEnd, Assert.Throws<PkgBuildException>(() => DatumReader.ReadSingle(" ; nothing")).Code);
    }
}
