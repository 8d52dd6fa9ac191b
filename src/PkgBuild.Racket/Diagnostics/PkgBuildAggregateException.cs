namespace PkgBuild.Racket.Diagnostics;

/// <summary>
/// Several errors found in one pass (see <see cref="ErrorCollector"/>), each with its own code and place;
/// the tasks log each as its own MSBuild error. Its own code and location are the first error's, so a
/// caller that knows only <see cref="PkgBuildException"/> still reports a true, located error.
/// </summary>
public sealed class PkgBuildAggregateException : PkgBuildException
{
    public PkgBuildAggregateException(IReadOnlyList<PkgBuildException> errors, int unreported)
        : base(errors[0].Code, $"{errors.Count + unreported} errors; the first: {errors[0].Message}", errors[0].Location)
    {
        Errors = errors;
        Unreported = unreported;
    }

    /// <summary>The errors reported one by one, in the order they were found.</summary>
    public IReadOnlyList<PkgBuildException> Errors { get; }

    /// <summary>How many more were found past <see cref="ErrorCollector.MaxReported"/> and only counted.</summary>
    public int Unreported { get; }

    /// <summary>The error that stands for the <see cref="Unreported"/> ones; null when there are none.</summary>
    public PkgBuildException? UnreportedError => Unreported == 0
        ? null
        : new PkgBuildException(ErrorCodes.TooManyErrors,
            $"{Unreported:N0} more errors were found and are not reported one by one: only the first {ErrorCollector.MaxReported} are. Fix those and build again to see the rest.");

    /// <summary>Each error on its own line, as a compiler prints them.</summary>
    public override string ToString() =>
        string.Join("\n", Errors.Append(UnreportedError).OfType<PkgBuildException>().Select(e => e.ToString()));
}
