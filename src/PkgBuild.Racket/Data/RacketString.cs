using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// A string. Racket strings hold Unicode scalar values, so a <see cref="Value"/> with a lone surrogate
/// cannot be written (<see cref="ErrorCodes.DataNotWritable"/>); the reader never produces one.
/// </summary>
public sealed class RacketString : Datum
{
    public RacketString(string value) => Value = value ?? throw new ArgumentNullException(nameof(value));

    public string Value { get; }

    public override DatumKind Kind => DatumKind.String;

    internal override int ShallowHash(Func<Datum, int> childHash) =>
        HashCode.Combine(DatumKind.String, StringComparer.Ordinal.GetHashCode(Value));
}
