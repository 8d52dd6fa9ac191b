namespace PkgBuild.Racket.Data;

/// <summary>A box, <c>#&amp;v</c>.</summary>
public sealed class RacketBox : Datum
{
    public RacketBox(Datum content) => Content = content ?? throw new ArgumentNullException(nameof(content));

    public Datum Content { get; }

    public override DatumKind Kind => DatumKind.Box;

    internal override IEnumerable<Datum> Children => new[] { Content };

    internal override int ShallowHash(Func<Datum, int> childHash) => HashCode.Combine(DatumKind.Box, childHash(Content));
}
