using System.Globalization;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Reports;

/// <summary>How the console gives a run's progress and results: one line each, the outcome's label first.</summary>
public static class ConsoleText
{
    /// <summary><c>[k/N] name: result (time), about T left</c>.</summary>
    public static string ProgressLine(int done, int total, PackageResult result, TimeSpan elapsed)
    {
        var left = done >= total ? "" : $", about {Duration(elapsed / done * (total - done))} left";
        return $"[{done}/{total}] {result.Package}: {Describe(result)} ({Duration(result.Elapsed)}{(result.Guest != null ? " on " + result.Guest : "")}){left}";
    }

    /// <summary>
    /// A result as the console gives it: the outcome's label, then what is particular to this package in
    /// parentheses (<c>blocked by a dependency (qs-broken)</c>, <c>timeout (test: ...)</c>).
    /// </summary>
    public static string Describe(PackageResult r)
    {
        var detail = r.Outcome switch
        {
            PackageOutcome.DependencyProblem => "undeclared dependencies",
            PackageOutcome.DependencyCheckFailure => r.Message,
            PackageOutcome.BlockedByDependency => r.BlockedBy,
            PackageOutcome.Timeout => r.Step != null ? $"{r.Step}: {r.Message}" : r.Message,
            PackageOutcome.InfrastructureFailure => r.Message,
            _ => null,
        };
        if (r.InfrastructureFailures is { Count: > 0 } retried)
        {
            var after = $"retried after {retried.Count} infrastructure failure(s)";
            detail = detail != null ? $"{detail}; {after}" : after;
        }
        return detail != null ? $"{r.Outcome.Label()} ({detail})" : r.Outcome.Label();
    }

    /// <summary>
    /// The log a person opens first for a failed package (relative to the results directory): the failed
    /// step's, else the install log. Null for a success and for a package that was not built (blocked, or its
    /// guest failed), which has no log of its own.
    /// </summary>
    public static string? FailureLog(PackageResult r) => r.Outcome switch
    {
        PackageOutcome.TestFailure => r.TestLog ?? r.InstallLog,
        PackageOutcome.DependencyProblem or PackageOutcome.DependencyCheckFailure => r.DependencyLog ?? r.InstallLog,
        PackageOutcome.InstallFailure => r.InstallLog,
        PackageOutcome.Timeout => (r.Step == StepNames.Test ? r.TestLog : r.Step == StepNames.CheckDeps ? r.DependencyLog : null) ?? r.InstallLog,
        _ => null,
    };

    /// <summary>Up to <paramref name="most"/> names, then how many more: a summary line stays one line on a run of thousands.</summary>
    public static string Names(IReadOnlyCollection<string> names, int most = 10) =>
        string.Join(", ", names.Take(most)) + (names.Count > most ? $" and {names.Count - most} more" : "");

    public static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(int)t.TotalMinutes} min {t.Seconds} s";
}
