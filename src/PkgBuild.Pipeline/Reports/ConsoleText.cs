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
        return detail != null ? $"{r.Outcome.Label()} ({detail})" : r.Outcome.Label();
    }

    public static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(int)t.TotalMinutes} min {t.Seconds} s";
}
