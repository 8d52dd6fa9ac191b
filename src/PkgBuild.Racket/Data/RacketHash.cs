using System.Collections.Immutable;

namespace PkgBuild.Racket.Data;

/// <summary>
/// An immutable hash, <c>#hash((k . v) ...)</c> and its <see cref="Data.HashKind"/> variants. Entries keep the
/// order they were read or added in (Racket gives hash order no meaning, but people diff catalog files);
/// a repeated key keeps its first position and takes the last value, as Racket's reader does.
/// </summary>
public sealed class RacketHash : Datum
{
    private readonly ImmutableArray<KeyValuePair<Datum, Datum>> _entries;
    private readonly Dictionary<Datum, int> _index;

    public RacketHash(HashKind hashKind, IEnumerable<KeyValuePair<Datum, Datum>> entries)
    {
        HashKind = hashKind;
        _index = new Dictionary<Datum, int>(new KeyComparer(hashKind));
        var list = new List<KeyValuePair<Datum, Datum>>();
        foreach (var (key, value) in entries)
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            if (_index.TryGetValue(key, out var at))
            {
                list[at] = new(list[at].Key, value);
            }
            else
            {
                _index.Add(key, list.Count);
                list.Add(new(key, value));
            }
        }
        _entries = list.ToImmutableArray();
    }

    public RacketHash(IEnumerable<KeyValuePair<Datum, Datum>> entries) : this(HashKind.Equal, entries)
    {
    }

    public static RacketHash Empty(HashKind hashKind = HashKind.Equal) => new(hashKind, Array.Empty<KeyValuePair<Datum, Datum>>());

    public HashKind HashKind { get; }

    public int Count => _entries.Length;

    /// <summary>Entries in order: as read, with additions at the end.</summary>
    public ImmutableArray<KeyValuePair<Datum, Datum>> Entries => _entries;

    public IEnumerable<Datum> Keys => _entries.Select(e => e.Key);

    public override DatumKind Kind => DatumKind.Hash;

    public bool TryGetValue(Datum key, out Datum value)
    {
        if (_index.TryGetValue(key, out var at))
        {
            value = _entries[at].Value;
            return true;
        }
        value = null!;
        return false;
    }

    public bool ContainsKey(Datum key) => _index.ContainsKey(key);

    /// <summary>The value under the symbol key <paramref name="symbol"/>, as catalog entries use.</summary>
    public Datum? this[string symbol] => TryGetValue(new RacketSymbol(symbol), out var value) ? value : null;

    /// <summary>A copy with <paramref name="key"/> set: in place when present, else added at the end.</summary>
    public RacketHash SetItem(Datum key, Datum value)
    {
        if (_index.TryGetValue(key, out var at))
        {
            return new RacketHash(HashKind, _entries.SetItem(at, new(_entries[at].Key, value)));
        }
        return new RacketHash(HashKind, _entries.Add(new(key, value)));
    }

    /// <summary>A copy without <paramref name="key"/> (the same hash when it is absent).</summary>
    public RacketHash Remove(Datum key) =>
        _index.TryGetValue(key, out var at) ? new RacketHash(HashKind, _entries.RemoveAt(at)) : this;

    internal override IEnumerable<Datum> Children => _entries.SelectMany(e => new[] { e.Key, e.Value });

    internal override int ShallowHash(Func<Datum, int> childHash)
    {
        // Order-independent: a sum of per-entry codes.
        var sum = 0;
        foreach (var (key, value) in _entries)
        {
            unchecked
            {
                sum += HashCode.Combine(childHash(key), childHash(value));
            }
        }
        return HashCode.Combine(DatumKind.Hash, HashKind, sum);
    }

    private sealed class KeyComparer(HashKind kind) : IEqualityComparer<Datum>
    {
        public bool Equals(Datum? x, Datum? y) => x != null && y != null && DatumEquality.KeysEqual(kind, x, y);

        public int GetHashCode(Datum obj) => DatumEquality.KeyHash(kind, obj);
    }
}
