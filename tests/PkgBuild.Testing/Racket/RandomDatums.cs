using System.Collections.Immutable;
using System.Numerics;
using System.Text;
using PkgBuild.Racket.Data;

namespace PkgBuild.Testing.Racket;

/// <summary>
/// Seeded random data of every kind the format has, for the property test. Hash keys respect each kind's
/// comparison (no strings in <c>#hasheq</c>), because otherwise even Racket's own <c>equal?</c> says two
/// reads of the same text differ. Characters come from ranges whose Unicode categories are the same in
/// Racket 8.7 and .NET, so written texts can be compared byte for byte.
/// </summary>
public sealed class RandomDatums(int seed)
{
    private static readonly (int From, int To)[] CharRanges =
    [
        (0x20, 0x7e), (0, 0x1f), (0x7f, 0xff), (0x391, 0x3c9), (0x4e00, 0x4e80), (0x1f600, 0x1f64f),
        (0x2000, 0x200b), (0x2028, 0x2029), (0xfeff, 0xfeff), (0xe000, 0xe010), (0xfffe, 0xffff),
        (0x10fffd, 0x10ffff), (0x300, 0x36f),
    ];

    private static readonly string Specials = "|\\#()[]{}\"',`;. @";

    private static readonly string[] NumberLike =
        ["1", "1.5", "+inf.0", "-nan.0", "1/2", "#e1", ".", "-", "+", "+i", "1e3", "1#", ".5", "#%app", "#", "...", "a.b", "1a", "-a", "1+2i", "1t0"];

    private static readonly string[] PrefabNames = ["point", "p", "a b", "node"];

    private readonly Random _random = new(seed);

    public Datum Next(int depth = 4) =>
        depth <= 0 || _random.NextDouble() < 0.35 ? Atom() : Compound(depth - 1);

    private Datum Compound(int depth)
    {
        var n = _random.Next(5);
        ImmutableArray<Datum> Items(int count) => Enumerable.Range(0, count).Select(_ => Next(depth)).ToImmutableArray();
        switch (_random.Next(10))
        {
            case 0 or 1:
                return new RacketList(Items(n));
            case 2:
                return new RacketList(Items(n + 1), Atom());
            case 3:
                return new RacketVector(Items(n));
            case 4:
                return new RacketHash(HashKind.Equal, Enumerable.Range(0, n).Select(_ => KeyValuePair.Create(Next(depth), Next(depth))));
            case 5:
                return new RacketHash(HashKind.Eq, Enumerable.Range(0, n).Select(_ => KeyValuePair.Create(EqKey(), Next(depth))));
            case 6:
                return new RacketHash(HashKind.Eqv, Enumerable.Range(0, n).Select(_ =>
                    KeyValuePair.Create(_random.Next(2) == 0 ? new RacketFlonum(Flonum()) : EqKey(), Next(depth))));
            case 7:
                return new RacketHash(HashKind.EqualAlways, Enumerable.Range(0, n).Select(_ =>
                    KeyValuePair.Create<Datum, Datum>(new RacketList(EqKey(), EqKey()), Next(depth))));
            case 8:
                return new RacketBox(Next(depth));
            default:
                var name = new RacketSymbol(PrefabNames[_random.Next(PrefabNames.Length)]);
                var fields = Items(n);
                Datum key = n > 0 && _random.Next(3) == 0
                    ? new RacketList(name, new RacketVector(new RacketInteger(_random.Next(n))))
                    : name;
                return new RacketPrefab(key, fields);
        }
    }

    private Datum Atom() => _random.Next(14) switch
    {
        0 => RacketBoolean.From(_random.Next(2) == 0),
        1 => new RacketInteger(_random.Next(-1000, 1000)),
        2 => new RacketInteger(BigInteger.Pow(7, _random.Next(20, 80)) * (_random.Next(2) == 0 ? -1 : 1)),
        3 => RacketRational.Create(_random.Next(-1000, 1000), _random.Next(1, 98)),
        4 or 5 => new RacketFlonum(Flonum()),
        6 => new RacketChar(RandomRune()),
        7 or 8 => new RacketString(Text()),
        9 => new RacketBytes(Enumerable.Range(0, _random.Next(10)).Select(_ => (byte)_random.Next(256)).ToArray()),
        10 => new RacketSymbol(Name()),
        11 => new RacketKeyword(Name()),
        12 => new RacketRegexp(_random.Next(2) == 0 ? RegexpKind.Rx : RegexpKind.Px, new RacketString(Literal())),
        _ => new RacketRegexp(_random.Next(2) == 0 ? RegexpKind.Rx : RegexpKind.Px, new RacketBytes(Encoding.ASCII.GetBytes(Literal()))),
    };

    /// <summary>Keys that <c>eq?</c> compares by value: symbols, fixnums, characters, keywords.</summary>
    private Datum EqKey() => _random.Next(4) switch
    {
        0 => new RacketSymbol(Name()),
        1 => new RacketInteger(_random.Next(-1000, 1000)),
        2 => new RacketChar(RandomRune()),
        _ => new RacketKeyword(Name()),
    };

    private double Flonum()
    {
        switch (_random.Next(6))
        {
            case 0:
                double[] edges = [double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.0, -0.0, 1e21, 1e-7, 5e-324, double.MaxValue, 1e13, 1e14];
                return edges[_random.Next(edges.Length)];
            case 1:
                return _random.Next(100000) / (double)_random.Next(1, 1000);
            case 2:
                return _random.NextDouble() * Math.Pow(10, _random.Next(-20, 20));
            default:
                var bytes = new byte[8];
                _random.NextBytes(bytes);
                return BitConverter.ToDouble(bytes);
        }
    }

    private Rune RandomRune()
    {
        var (from, to) = _random.NextDouble() < 0.6 ? CharRanges[0] : CharRanges[_random.Next(CharRanges.Length)];
        return new Rune(_random.Next(from, to + 1));
    }

    private string Text()
    {
        var text = new StringBuilder();
        for (var i = _random.Next(8); i > 0; i--)
        {
            if (_random.NextDouble() < 0.15)
            {
                text.Append(Specials[_random.Next(Specials.Length)]);
            }
            else
            {
                text.Append(RandomRune().ToString());
            }
        }
        return text.ToString();
    }

    private string Name() => _random.NextDouble() < 0.2 ? NumberLike[_random.Next(NumberLike.Length)] : Text();

    /// <summary>Regexp sources Racket accepts whatever the mode: letters and digits.</summary>
    private string Literal() =>
        new(Enumerable.Range(0, _random.Next(6)).Select(_ => "abcxyz0189"[_random.Next(10)]).ToArray());
}
