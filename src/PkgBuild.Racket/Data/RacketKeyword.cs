namespace PkgBuild.Racket.Data;

/// <summary>A keyword such as <c>#:version</c>; <see cref="Name"/> is the part after <c>#:</c>, unquoted.</summary>
public sealed class RacketKeyword : Datum
{
    public RacketKeyword(string name) => Name = name ?? throw new ArgumentNullException(nameof(name));

    public string Name { get; }

    public override DatumKind Kind => DatumKind.Keyword;

    internal override int ShallowHash(Func<Datum, int> childHash) =>
        HashCode.Combine(DatumKind.Keyword, StringComparer.Ordinal.GetHashCode(Name));
}
