using System.Runtime.ExceptionServices;

namespace PkgBuild.Racket.Diagnostics;

/// <summary>
/// Errors gathered by a reader that goes on past them (every malformed entry of every source catalog),
/// so that one build reports them all instead of one per build. Only the first <see cref="MaxReported"/>
/// are kept; the rest are counted, so a catalog of 100,000 bad entries gives 100 errors and one more
/// that says how many were left out (<see cref="ErrorCodes.TooManyErrors"/>). Not thread-safe.
/// </summary>
public sealed class ErrorCollector
{
    /// <summary>How many errors are reported one by one.</summary>
    public const int MaxReported = 100;

    private readonly List<PkgBuildException> _reported = [];

    /// <summary>Every error added, reported or only counted.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="error"/>; one that is itself a collection adds what it holds, in order.</summary>
    public void Add(PkgBuildException error)
    {
        if (error is PkgBuildAggregateException several)
        {
            foreach (var one in several.Errors)
            {
                Add(one);
            }
            Count += several.Unreported;
            return;
        }
        Count++;
        if (_reported.Count < MaxReported)
        {
            _reported.Add(error);
        }
    }

    /// <summary>
    /// Throws what was added: nothing when nothing was, a single error as itself, several as one
    /// <see cref="PkgBuildAggregateException"/> in the order they were added.
    /// </summary>
    public void ThrowIfAny()
    {
        if (Count == 1)
        {
            ExceptionDispatchInfo.Throw(_reported[0]);
        }
        if (Count > 1)
        {
            throw new PkgBuildAggregateException(_reported.ToArray(), Count - _reported.Count);
        }
    }
}
