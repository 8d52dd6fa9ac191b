namespace PkgBuild.Racket.Data;

/// <summary>
/// A real number: exact (<see cref="RacketInteger"/>, <see cref="RacketRational"/>) or a flonum
/// (<see cref="RacketFlonum"/>). As in Racket, <c>1</c> and <c>1.0</c> are not <c>equal?</c>.
/// Complex numbers and extflonums are not part of the data we read.
/// </summary>
public abstract class RacketNumber : Datum
{
    private protected RacketNumber()
    {
    }

    public abstract bool IsExact { get; }
}
