using System.Collections.Immutable;

namespace PkgBuild.Racket.Data;

/// <summary>A byte string, <c>#"..."</c>.</summary>
public sealed class RacketBytes : Datum
{
    public RacketBytes(ImmutableArray<byte> value) => Value = value.IsDefault ? ImmutableArray<byte>.Empty : value;

    public RacketBytes(ReadOnlySpan<byte> value) : this(ImmutableArray.Create(value.ToArray()))
    {
    }

    public ImmutableArray<byte> Value { get; }

    public override DatumKind Kind => DatumKind.ByteString;

    internal override int ShallowHash(Func<Datum, int> childHash)
    {
        var hash = new HashCode();
        hash.Add(DatumKind.ByteString);
        hash.AddBytes(Value.AsSpan());
        return hash.ToHashCode();
    }
}
