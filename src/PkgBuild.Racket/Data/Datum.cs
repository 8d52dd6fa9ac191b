using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// One value of Racket's data format: what <c>read</c> returns and <c>write</c> prints. Immutable.
/// <see cref="Equals(Datum?)"/> is Racket's <c>equal?</c>, and <see cref="GetHashCode"/> agrees with it;
/// both walk nested data with an explicit stack, so depth cannot exhaust the thread's stack.
/// <see cref="Location"/> records where the reader found the datum and takes no part in equality.
/// </summary>
public abstract class Datum : IEquatable<Datum>
{
    private int _hash;
    private bool _hashed;

    private protected Datum()
    {
    }

    public abstract DatumKind Kind { get; }

    /// <summary>Where the datum starts in its input; <see cref="SourceLocation.None"/> when built in code.</summary>
    public SourceLocation Location
    {
        get => _location;
        init => _location = value;
    }

    private SourceLocation _location;

    /// <summary>For the reader, on datums it has just made (never on shared instances).</summary>
    internal void SetLocation(SourceLocation location) => _location = location;

    /// <summary>Racket's <c>equal?</c>.</summary>
    public bool Equals(Datum? other) => other is not null && DatumEquality.AreEqual(this, other);

    public sealed override bool Equals(object? obj) => obj is Datum other && Equals(other);

    public sealed override int GetHashCode()
    {
        if (!_hashed)
        {
            _hash = DatumEquality.ComputeHash(this);
            _hashed = true;
        }
        return _hash;
    }

    /// <summary>The datum as Racket's <c>write</c> prints it.</summary>
    public sealed override string ToString() => DatumWriter.WriteToString(this);

    /// <summary>The hash code of this node given its children's (already computed) hash codes.</summary>
    internal abstract int ShallowHash(Func<Datum, int> childHash);

    /// <summary>Children in a fixed order, for the traversals in <see cref="DatumEquality"/>.</summary>
    internal virtual IEnumerable<Datum> Children => Array.Empty<Datum>();

    internal bool TryGetCachedHash(out int hash)
    {
        hash = _hash;
        return _hashed;
    }

    internal void SetCachedHash(int hash)
    {
        _hash = hash;
        _hashed = true;
    }
}
