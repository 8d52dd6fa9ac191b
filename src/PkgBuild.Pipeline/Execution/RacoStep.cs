using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// One raco command of a package's run: the step it is (its log is <c>logs/&lt;pkg&gt;/&lt;Name&gt;.txt</c>),
/// raco's arguments, and its time limit.
/// </summary>
public sealed record RacoStep(string Name, IReadOnlyList<string> Arguments, TimeSpan Timeout)
{
    /// <summary>Whether the steps after it are left out when it fails: nothing to check or test after a failed install.</summary>
    public bool StopOnFailure { get; init; }

    /// <summary>
    /// Whether the package's result does not hang on it: when it fails or runs out of time, it just did not
    /// happen (packing for dependents, who then install from the archive), and the steps after it still run.
    /// </summary>
    public bool Optional { get; init; }

    /// <summary>Hears each line of the step's output (raco test's own time-out message).</summary>
    public Action<string>? Watch { get; init; }
}
