using System.Collections.Immutable;
using System.Numerics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// A prefab structure, <c>#s(key field ...)</c>. <see cref="Key"/> is a symbol or a prefab key list such as
/// <c>(point #(1))</c>. The constructor puts simple keys in Racket's normal form (<c>(point 2)</c> with two
/// fields is <c>point</c>; an empty mutable-field vector is dropped), so equal structures compare equal.
/// </summary>
public sealed class RacketPrefab : Datum
{
    public RacketPrefab(Datum key, ImmutableArray<Datum> fields)
    {
        Fields = fields.IsDefault ? ImmutableArray<Datum>.Empty : fields;
        Key = NormalizeKey(key ?? throw new ArgumentNullException(nameof(key)), Fields.Length);
    }

    public Datum Key { get; }

    public ImmutableArray<Datum> Fields { get; }

    /// <summary>The structure type's name: the key itself or the key list's first symbol.</summary>
    public string Name => Key is RacketSymbol symbol ? symbol.Name : ((RacketSymbol)((RacketList)Key).Items[0]).Name;

    public override DatumKind Kind => DatumKind.Prefab;

    internal override IEnumerable<Datum> Children => Fields.Prepend(Key);

    internal override int ShallowHash(Func<Datum, int> childHash)
    {
        var hash = new HashCode();
        hash.Add(DatumKind.Prefab);
        hash.Add(childHash(Key));
        foreach (var field in Fields)
        {
            hash.Add(childHash(field));
        }
        return hash.ToHashCode();
    }

    /// <summary>
    /// Normalizes keys with no parent type: <c>(name)</c>, <c>(name n)</c>, <c>(name n #())</c> and
    /// <c>(name #())</c> become <c>name</c>, and <c>(name n #(i ...))</c> becomes <c>(name #(i ...))</c>,
    /// when n is the field count. Keys with auto fields or parents are kept as written.
    /// </summary>
    private static Datum NormalizeKey(Datum key, int fieldCount)
    {
        if (key is RacketSymbol)
        {
            return key;
        }
        if (key is not RacketList { IsProper: true, IsEmpty: false } list || list.Items[0] is not RacketSymbol name)
        {
            throw new ArgumentException("A prefab key is a symbol or a list that starts with a symbol.", nameof(key));
        }
        var rest = list.Items.RemoveAt(0);
        if (rest.Length > 0 && rest[0] is RacketInteger count)
        {
            if (count.Value != new BigInteger(fieldCount) || rest.Length > 2)
            {
                return key;
            }
            rest = rest.RemoveAt(0);
        }
        if (rest.Length == 1 && rest[0] is RacketVector { Items.IsEmpty: true })
        {
            rest = rest.RemoveAt(0);
        }
        if (rest.Length == 0)
        {
            return name;
        }
        return rest.Length == 1 && rest[0] is RacketVector
            ? new RacketList(ImmutableArray.Create<Datum>(name, rest[0])) { Location = key.Location }
            : key;
    }
}
