using System.Collections.Immutable;

namespace PkgBuild.Racket.Data;

/// <summary>
/// A chain of pairs: the proper list <c>(a b c)</c>, the empty list <c>()</c>, or an improper list
/// <c>(a b . c)</c> whose <see cref="Tail"/> is the final non-list cdr. The constructor folds a list tail
/// into <see cref="Items"/>, so <c>(a . (b))</c> and <c>(a b)</c> are the same value, as in Racket.
/// </summary>
public sealed class RacketList : Datum
{
    public static readonly RacketList Empty = new(ImmutableArray<Datum>.Empty);

    public RacketList(ImmutableArray<Datum> items, Datum? tail = null)
    {
        items = items.IsDefault ? ImmutableArray<Datum>.Empty : items;
        if (tail is RacketList list)
        {
            items = items.AddRange(list.Items);
            tail = list.Tail;
        }
        if (tail != null && items.IsEmpty)
        {
            throw new ArgumentException("An improper list needs at least one item before its tail.", nameof(tail));
        }
        Items = items;
        Tail = tail;
    }

    public RacketList(params Datum[] items) : this(ImmutableArray.Create(items))
    {
    }

    public ImmutableArray<Datum> Items { get; }

    /// <summary>The cdr of the last pair when it is not <c>()</c>; null for a proper list.</summary>
    public Datum? Tail { get; }

    public bool IsProper => Tail == null;

    public bool IsEmpty => Items.IsEmpty;

    public override DatumKind Kind => DatumKind.List;

    /// <summary>A pair <c>(car . cdr)</c>, which is a longer list when <paramref name="cdr"/> is one.</summary>
    public static RacketList Cons(Datum car, Datum cdr) => new(ImmutableArray.Create(car), cdr);

    internal override IEnumerable<Datum> Children => Tail == null ? Items : Items.Append(Tail);

    internal override int ShallowHash(Func<Datum, int> childHash)
    {
        var hash = new HashCode();
        hash.Add(DatumKind.List);
        foreach (var item in Items)
        {
            hash.Add(childHash(item));
        }
        hash.Add(Tail == null ? 0 : childHash(Tail) ^ 0x3c6ef372);
        return hash.ToHashCode();
    }
}
