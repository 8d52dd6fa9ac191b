namespace PkgBuild.Racket.Data;

/// <summary>
/// A flonum (IEEE double). Equality is Racket's <c>eqv?</c> on flonums: <c>0.0</c> and <c>-0.0</c> differ,
/// and every NaN equals every other NaN.
/// </summary>
public sealed class RacketFlonum : RacketNumber
{
    public RacketFlonum(double value) => Value = value;

    public double Value { get; }

    public override bool IsExact => false;

    public override DatumKind Kind => DatumKind.Flonum;

    /// <summary>The bits that decide <c>eqv?</c>: one pattern for all NaNs, the sign kept for zeros.</summary>
    internal long EqvBits => double.IsNaN(Value) ? long.MinValue + 0x7ff8 : BitConverter.DoubleToInt64Bits(Value);

    internal override int ShallowHash(Func<Datum, int> childHash) => HashCode.Combine(DatumKind.Flonum, EqvBits);
}
