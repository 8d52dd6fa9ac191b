namespace PkgBuild.Racket.Data;

/// <summary><c>#t</c> or <c>#f</c> (the reader also takes <c>#true</c>, <c>#false</c>, <c>#T</c>, <c>#F</c>).</summary>
public sealed class RacketBoolean : Datum
{
    public static readonly RacketBoolean True = new(true);
    public static readonly RacketBoolean False = new(false);

    public RacketBoolean(bool value) => Value = value;

    public bool Value { get; }

    public override DatumKind Kind => DatumKind.Boolean;

    public static RacketBoolean From(bool value) => value ? True : False;

    internal override int ShallowHash(Func<Datum, int> childHash) => Value ? 0x5f3759df : 0x1b873593;
}
