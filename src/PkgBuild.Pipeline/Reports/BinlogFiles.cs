using System.Text;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// What the build's binlog embeds (Sdk.targets makes each an <c>EmbedInBinlog</c> item), so that someone sent
/// only the binlog can see why a package got its verdict: report.md, summary.json, results.json, and the
/// logs of every regressed, flaky and failed package on both sides, confirmation runs included. A log over
/// <see cref="LogCap"/> is embedded as a cut copy (under the work directory, saying so at its end), and logs
/// stop once <see cref="TotalCap"/> is reached, regressions first. The list is a file Sdk.targets names,
/// written with the reports, so a build that reports the last run again embeds the same files.
/// </summary>
public static class BinlogFiles
{
    /// <summary>Where cut copies of long logs go, in the state directory.</summary>
    public const string CutDirectoryName = "binlog";

    public const long LogCap = 256 * 1024;

    public const long TotalCap = 16 * 1024 * 1024;

    /// <summary>Removes the list (a run that stops before its reports leaves none, rather than the last run's).</summary>
    public static void Forget(string list)
    {
        if (File.Exists(list))
        {
            File.Delete(list);
        }
    }

    /// <summary>Writes <paramref name="list"/>, one full path a line, cut copies of long logs in <paramref name="cutDirectory"/>.</summary>
    public static void Write(string list, string cutDirectory, ResultsLayout layout, RunResults run)
    {
        var files = Select(layout, run, cutDirectory, LogCap, TotalCap);
        AtomicFile.WriteAllText(list, string.Concat(files.Select(f => f + "\n")));
    }

    /// <summary>The files to embed, full paths: the reports, then the logs, each cut at <paramref name="logCap"/>, until <paramref name="totalCap"/>.</summary>
    public static IReadOnlyList<string> Select(ResultsLayout layout, RunResults run, string cutDirectory, long logCap, long totalCap)
    {
        if (Directory.Exists(cutDirectory))
        {
            Directory.Delete(cutDirectory, recursive: true);
        }
        var files = new[] { layout.ReportMarkdown, layout.SummaryJson, layout.ResultsJson }.Where(File.Exists).ToList();
        long total = 0;
        foreach (var log in Logs(run).Distinct(StringComparer.Ordinal))
        {
            var path = layout.Resolve(log);
            if (!ReportText.IsPlainRelativePath(log) || !File.Exists(path))
            {
                continue; // a recorded summary's logs are not this machine's files
            }
            var size = Math.Min(new FileInfo(path).Length, logCap);
            if (total + size > totalCap)
            {
                break;
            }
            total += size;
            files.Add(size < new FileInfo(path).Length ? Cut(path, log, Path.Combine(cutDirectory, log), logCap) : path);
        }
        return files;
    }

    /// <summary>The logs, relative to the results, in the order they matter: regressions, then flaky packages, then the other failures.</summary>
    private static IEnumerable<string> Logs(RunResults run)
    {
        if (run.Verdicts is not { } verdicts)
        {
            return run.Results.Where(Failed).SelectMany(Of);
        }
        int Order(PackageVerdict v) => v.Verdict switch
        {
            Verdict.Regressed => 0,
            Verdict.Flaky or Verdict.Unconfirmed => 1,
            _ => 2,
        };
        return verdicts.Where(v => v.Verdict is Verdict.Regressed or Verdict.Flaky or Verdict.Unconfirmed || Failed(v.Modified) || v.Baseline != null && Failed(v.Baseline))
            .OrderBy(Order) // stable: by impact within regressions, as the verdicts come
            .SelectMany(v => Of(v.Modified).Concat(v.Baseline != null ? Of(v.Baseline) : [])
                .Concat(v.Confirmations.SelectMany(c => c.ModifiedLogs.Concat(c.BaselineLogs))));
    }

    /// <summary>A package that failed on its own (one blocked by a dependency has no log).</summary>
    private static bool Failed(PackageResult r) => r.Outcome is not (PackageOutcome.Success or PackageOutcome.BlockedByDependency);

    private static IEnumerable<string> Of(PackageResult r) => new[] { r.InstallLog, r.DependencyLog, r.TestLog }.OfType<string>();

    private static string Cut(string path, string log, string copy, long cap)
    {
        var buffer = new byte[cap];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        using (var output = File.Create(copy))
        {
            output.Write(buffer, 0, read);
            output.Write(Encoding.UTF8.GetBytes($"\n[pkg-build: cut after {cap} bytes for the binlog; the whole log is {log} in the results]\n"));
        }
        return copy;
    }
}
