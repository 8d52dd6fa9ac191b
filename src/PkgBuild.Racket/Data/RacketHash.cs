using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace PkgBuild.Racket.Data;

/// <summary>
/// An immutable hash, <c>#hash((k . v) ...)</c> and its <see cref="Data.HashKind"/> variants. Entries keep the
/// order they were read or added in (Racket gives hash order no meaning, but people diff catalog files);
/// a repeated key keeps its first position and takes the last value, as Racket's reader does.
/// </summary>
public sealed class RacketHash : Datum
{
    /// <summary>
    /// Up to this many entries, keys are found by scanning rather than through a dictionary: a catalog
    /// entry has about 20 symbol keys, and comparing symbols is cheaper than hashing them and allocating
    /// the dictionary.
    /// </summary>
    private const int ScanLimit = 32;

    private readonly ImmutableArray<KeyValuePair<Datum, Datum>> _entries;
    private readonly Dictionary<Datum, int>? _index;

    public RacketHash(HashKind hashKind, IEnumerable<KeyValuePair<Datum, Datum>> entries)
    {
        HashKind = hashKind;
        // Filled in place and handed to the ImmutableArray without a copy when no key repeats.
        var items = new KeyValuePair<Datum, Datum>[entries.TryGetNonEnumeratedCount(out var count) ? count : 8];
        var n = 0;
        foreach (var (key, value) in entries)
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            var at = IndexOf(items.AsSpan(0, n), _index, key);
            if (at >= 0)
            {
                items[at] = new(items[at].Key, value);
                continue;
            }
            if (_index == null && n == ScanLimit)
            {
                _index = new Dictionary<Datum, int>(new KeyComparer(hashKind));
                for (var i = 0; i < n; i++)
                {
                    _index.Add(items[i].Key, i);
                }
            }
            _index?.Add(key, n);
            if (n == items.Length)
            {
                Array.Resize(ref items, Math.Max(8, n * 2));
            }
            items[n++] = new(key, value);
        }
        _entries = ImmutableCollectionsMarshal.AsImmutableArray(n == items.Length ? items : items[..n]);
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
        var at = IndexOf(key);
        if (at >= 0)
        {
            value = _entries[at].Value;
            return true;
        }
        value = null!;
        return false;
    }

    public bool ContainsKey(Datum key) => IndexOf(key) >= 0;

    /// <summary>The value under the symbol key <paramref name="symbol"/>, as catalog entries use.</summary>
    public Datum? this[string symbol] => TryGetValue(new RacketSymbol(symbol), out var value) ? value : null;

    /// <summary>A copy with <paramref name="key"/> set: in place when present, else added at the end.</summary>
    public RacketHash SetItem(Datum key, Datum value)
    {
        var at = IndexOf(key);
        if (at >= 0)
        {
            return new RacketHash(HashKind, _entries.SetItem(at, new(_entries[at].Key, value)));
        }
        return new RacketHash(HashKind, _entries.Add(new(key, value)));
    }

    /// <summary>A copy without <paramref name="key"/> (the same hash when it is absent).</summary>
    public RacketHash Remove(Datum key) =>
        IndexOf(key) is var at and >= 0 ? new RacketHash(HashKind, _entries.RemoveAt(at)) : this;

    private int IndexOf(Datum key) => IndexOf(_entries.AsSpan(), _index, key);

    private int IndexOf(ReadOnlySpan<KeyValuePair<Datum, Datum>> entries, Dictionary<Datum, int>? index, Datum key)
    {
        if (index != null)
        {
            return index.TryGetValue(key, out var at) ? at : -1;
        }
        for (var i = 0; i < entries.Length; i++)
        {
            if (DatumEquality.KeysEqual(HashKind, entries[i].Key, key))
            {
                return i;
            }
        }
        return -1;
    }

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
