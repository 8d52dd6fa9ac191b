using System.Collections.Immutable;
using PkgBuild.Racket.Data;
using Xunit;

namespace PkgBuild.Racket.Tests.Data;

/// <summary>Expected answers are Racket 8.7's for the same data read with <c>read</c>.</summary>
public class DatumEqualityTests
{
    private static Datum R(string text) => DatumReader.ReadSingle(text);

    [Theory]
    [InlineData("1", "1.0", false)]
    [InlineData("0.0", "-0.0", false)]
    [InlineData("+nan.0", "-nan.0", true)]
    [InlineData("(a . (b))", "(a b)", true)]
    [InlineData("#hash((a . 1) (b . 2))", "#hash((b . 2) (a . 1))", true)]
    [InlineData("#hash((a . 1))", "#hasheq((a . 1))", false)]
    [InlineData("#hasheq((\"a\" . 1))", "#hasheq((\"a\" . 1))", false)]
    [InlineData("#hasheq((a . 1))", "#hasheq((a . 1))", true)]
    [InlineData("#hashalw((\"a\" . 1))", "#hashalw((\"a\" . 1))", false)]
    [InlineData("#rx\"a\"", "#rx\"a\"", true)]
    [InlineData("#px\"a\"", "#rx\"a\"", false)]
    [InlineData("#s((p 2) 1 2)", "#s(p 1 2)", true)]
    [InlineData("\"a\"", "a", false)]
    [InlineData("#(1 2)", "(1 2)", false)]
    [InlineData("#&(1)", "#&(1)", true)]
    public void Equal_is_racket_equal(string a, string b, bool expected)
    {
        Assert.Equal(expected, R(a).Equals(R(b)));
        if (expected)
        {
            Assert.Equal(R(a).GetHashCode(), R(b).GetHashCode());
        }
    }

    [Theory]
    [InlineData("#hasheq((\"a\" . 1) (\"a\" . 2))", 2)]
    [InlineData("#hasheqv((1.0 . 1) (1.0 . 2) (100000000000000000000000 . 1) (100000000000000000000000 . 2) ((a) . 1) ((a) . 2))", 4)]
    [InlineData("#hasheq((100000000000000000000000 . 1) (100000000000000000000000 . 2) (1.0 . 1) (1.0 . 2) (() . 1) (() . 2))", 5)]
    [InlineData("#hashalw((#(1) . 1) (#(1) . 2) ((1) . 1) ((1) . 2) (#&1 . 1) (#&1 . 2) (#\"a\" . 1) (#\"a\" . 2) (#s(p 1) . 1) (#s(p 1) . 2))", 8)]
    [InlineData("#hash((\"a\" . 1) (\"a\" . 2) ((1 . 2) . 3) ((1 . 2) . 4))", 2)]
    public void Hash_kinds_compare_keys_as_racket_does(string text, int count) =>
        Assert.Equal(count, ((RacketHash)R(text)).Count);

    [Fact]
    public void Hash_edits_keep_order_and_return_new_hashes()
    {
        var hash = (RacketHash)R("#hash((source . \"a\") (checksum . \"b\"))");
        var edited = hash.SetItem(new RacketSymbol("source"), new RacketString("c")).SetItem(new RacketSymbol("ring"), new RacketInteger(1));
        Assert.Equal("#hash((source . \"c\") (checksum . \"b\") (ring . 1))", edited.ToString());
        Assert.Equal("#hash((source . \"a\") (checksum . \"b\"))", hash.ToString());
        Assert.Equal("#hash((checksum . \"b\"))", hash.Remove(new RacketSymbol("source")).ToString());
        Assert.Equal(new RacketString("b"), hash["checksum"]);
        Assert.Null(hash["nope"]);
    }

    [Fact]
    public void Deep_data_compares_and_hashes_without_recursion()
    {
        Datum a = RacketList.Empty, b = RacketList.Empty;
        for (var i = 0; i < 200_000; i++)
        {
            a = new RacketVector(ImmutableArray.Create(a));
            b = new RacketVector(ImmutableArray.Create(b));
        }
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals(b));
    }

    [Fact]
    public void A_hash_past_the_scan_limit_keeps_first_positions_and_last_values_of_repeated_keys()
    {
        var keys = Enumerable.Range(0, 40).Select(i => $"k{i}").ToList();
        var text = "#hash(" + string.Join(" ", keys.Select(k => $"({k} . 1)")) + " (k3 . 2) (k35 . 3))";

        var hash = (RacketHash)DatumReader.ReadSingle(text);

        Assert.Equal(keys, hash.Keys.Select(k => k.ToString()));
        Assert.Equal("2", hash["k3"]!.ToString());
        Assert.Equal("3", hash["k35"]!.ToString());
        Assert.Equal("1", hash["k39"]!.ToString());
        var again = (RacketHash)DatumReader.ReadSingle(DatumWriter.WriteToString(hash));
        Assert.Equal(hash, again);
        Assert.Equal(hash.GetHashCode(), again.GetHashCode());
        Assert.Equal(40, hash.SetItem(new RacketSymbol("k0"), new RacketInteger(9)).Count);
        Assert.Equal(39, hash.Remove(new RacketSymbol("k38")).Count);
    }

    [Fact]
    public void Reused_reader_frames_leave_nothing_behind_in_what_was_read()
    {
        // Frames are reused after each closer: lists, hashes, pairs and comments in a row and nested.
        const string text = "((a b) #;(c d) (e (f #hash((g . (h i)))) #;#;j k) #(l (m)) #s(p (q) r) '(s t) [u . v])";
        var datum = DatumReader.ReadSingle(text);
        Assert.Equal("((a b) (e (f #hash((g . (h i))))) #(l (m)) #s(p (q) r) (quote (s t)) (u . v))", DatumWriter.WriteToString(datum));
    }
}
