namespace PkgBuild.Racket.Data;

/// <summary>
/// How a hash compares its keys, which is also how it is written: <c>#hash</c> (<c>equal?</c>),
/// <c>#hasheqv</c>, <c>#hasheq</c>, <c>#hashalw</c> (<c>equal-always?</c>). Keys that <c>read</c> makes
/// mutable (strings, byte strings, vectors, boxes) are distinct in all but <c>#hash</c>, as in Racket.
/// </summary>
public enum HashKind
{
    Equal,
    Eqv,
    Eq,
    EqualAlways,
}
