namespace PkgBuild.Racket.Data;

/// <summary>
/// A regexp literal, <c>#rx"..."</c>, <c>#px"..."</c>, <c>#rx#"..."</c> or <c>#px#"..."</c>, kept as its
/// source (a <see cref="RacketString"/> or <see cref="RacketBytes"/>); it is data to us, never compiled.
/// Two regexps are <c>equal?</c> when kind and source are, as in Racket.
/// </summary>
public sealed class RacketRegexp : Datum
{
    public RacketRegexp(RegexpKind regexpKind, Datum source)
    {
        if (source is not (RacketString or RacketBytes))
        {
            throw new ArgumentException("A regexp's source is a string or a byte string.", nameof(source));
        }
        RegexpKind = regexpKind;
        Source = source;
    }

    public RegexpKind RegexpKind { get; }

    public Datum Source { get; }

    public bool IsByteRegexp => Source is RacketBytes;

    public override DatumKind Kind => DatumKind.Regexp;

    internal override IEnumerable<Datum> Children => new[] { Source };

    internal override int ShallowHash(Func<Datum, int> childHash) =>
        HashCode.Combine(DatumKind.Regexp, RegexpKind, childHash(Source));
}
