using System.Numerics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// An exact non-integer rational such as <c>1/2</c>, kept in lowest terms with a positive
/// <see cref="Denominator"/> greater than one. Use <see cref="Create"/>, which returns a
/// <see cref="RacketInteger"/> when the value is whole, as Racket does.
/// </summary>
public sealed class RacketRational : RacketNumber
{
    private RacketRational(BigInteger numerator, BigInteger denominator)
    {
        Numerator = numerator;
        Denominator = denominator;
    }

    public BigInteger Numerator { get; }

    public BigInteger Denominator { get; }

    public override bool IsExact => true;

    public override DatumKind Kind => DatumKind.Rational;

    /// <summary>The exact number <paramref name="numerator"/>/<paramref name="denominator"/>, normalized.</summary>
    public static RacketNumber Create(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A rational's denominator cannot be zero.");
        }
        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero)
        {
            numerator /= gcd;
            denominator /= gcd;
        }
        return denominator.IsOne ? new RacketInteger(numerator) : new RacketRational(numerator, denominator);
    }

    internal override int ShallowHash(Func<Datum, int> childHash) =>
        HashCode.Combine(DatumKind.Rational, Numerator, Denominator);
}
