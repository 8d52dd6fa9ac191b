using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>
/// The first line where the modified log departs from the baseline log, comparing lines with what
/// differs between any two runs blanked out (session directories, clock times, durations), so the line
/// found is where the change shows, not where a time stamp does.
/// </summary>
public sealed partial record LogDivergence(int Line, string Modified, string? Baseline)
{
    public static LogDivergence? Find(IReadOnlyList<string> baseline, IReadOnlyList<string> modified)
    {
        for (var i = 0; i < modified.Count; i++)
        {
            if (i >= baseline.Count || Normal(baseline[i]) != Normal(modified[i]))
            {
                return new LogDivergence(i + 1, modified[i], i < baseline.Count ? baseline[i] : null);
            }
        }
        // The modified log stops where the baseline's goes on (a run cut short): that is where they part.
        return baseline.Count > modified.Count ? new LogDivergence(modified.Count + 1, "(the log ends here)", baseline[modified.Count]) : null;
    }

    public static LogDivergence? Find(string baselineFile, string modifiedFile) =>
        File.Exists(baselineFile) && File.Exists(modifiedFile)
            ? Find(File.ReadLines(baselineFile).Take(100_000).ToList(), File.ReadLines(modifiedFile).Take(100_000).ToList())
            : null;

    public static string Normal(string line) =>
        Noise().Replace(line, m => m.Value.StartsWith("/baseline", StringComparison.Ordinal) || m.Value.StartsWith("/confirm", StringComparison.Ordinal) ? "" : "…");

    /// <summary>
    /// Session directories (name-&lt;12 hex&gt;), the side's own directories in the site and results
    /// (<c>baseline/</c>, <c>confirm/…/</c>), times of day, ISO dates, and durations.
    /// </summary>
    [GeneratedRegex(@"/sessions/[^/\s""]+-[0-9a-f]{12}|/baseline(?=/)|/confirm/[a-z]+-\d+(?=/)|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?|\b\d\d:\d\d:\d\d\b|\b\d+(\.\d+)? ?(s|ms|seconds?)\b|cpu time: \d+ real time: \d+ gc time: \d+")]
    private static partial Regex Noise();
}
