using System.Numerics;

namespace PkgBuild.Racket.Data;

/// <summary>An exact integer of any size.</summary>
public sealed class RacketInteger : RacketNumber
{
    public RacketInteger(BigInteger value) => Value = value;

    public BigInteger Value { get; }

    public override bool IsExact => true;

    public override DatumKind Kind => DatumKind.Integer;

    internal override int ShallowHash(Func<Datum, int> childHash) => HashCode.Combine(DatumKind.Integer, Value);
}
