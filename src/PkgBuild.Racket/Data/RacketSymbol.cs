namespace PkgBuild.Racket.Data;

/// <summary>An (interned) symbol such as <c>source</c> or <c>|with space|</c>; <see cref="Name"/> is unquoted.</summary>
public sealed class RacketSymbol : Datum
{
    public RacketSymbol(string name) => Name = name ?? throw new ArgumentNullException(nameof(name));

    public string Name { get; }

    public override DatumKind Kind => DatumKind.Symbol;

    internal override int ShallowHash(Func<Datum, int> childHash) =>
        HashCode.Combine(DatumKind.Symbol, StringComparer.Ordinal.GetHashCode(Name));
}
