using System.Text;

namespace PkgBuild.Racket.Data;

/// <summary>A character, <c>#\a</c>, <c>#\space</c>, <c>#\u00A0</c>: one Unicode scalar value.</summary>
public sealed class RacketChar : Datum
{
    public RacketChar(Rune value) => Value = value;

    public Rune Value { get; }

    public override DatumKind Kind => DatumKind.Character;

    internal override int ShallowHash(Func<Datum, int> childHash) => HashCode.Combine(DatumKind.Character, Value.Value);
}
