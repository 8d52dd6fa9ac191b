using System.Collections.Immutable;

namespace PkgBuild.Racket.Data;

/// <summary>A vector, <c>#(a b c)</c>.</summary>
public sealed class RacketVector : Datum
{
    public RacketVector(ImmutableArray<Datum> items) => Items = items.IsDefault ? ImmutableArray<Datum>.Empty : items;

    public RacketVector(params Datum[] items) : this(ImmutableArray.Create(items))
    {
    }

    public ImmutableArray<Datum> Items { get; }

    public override DatumKind Kind => DatumKind.Vector;

    internal override IEnumerable<Datum> Children => Items;

    internal override int ShallowHash(Func<Datum, int> childHash)
    {
        var hash = new HashCode();
        hash.Add(DatumKind.Vector);
        foreach (var item in Items)
        {
            hash.Add(childHash(item));
        }
        return hash.ToHashCode();
    }
}
