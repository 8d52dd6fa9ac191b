using System.Text;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.State;

/// <summary>
/// The last complete run: a stamp of everything its results came from (<see cref="Stamp"/>) and the report
/// it gave. A build whose stamp is the same, and whose result files and logs are all still there, gives that
/// report again instead of serving the site and starting guests only for the journal to say that nothing
/// needs building. It is forgotten when a run starts, and written only by one that decided every package, so
/// a killed or failed run is never taken for a finished one. Plain tab-separated lines: reading it is the
/// whole cost of such a build, so it needs no serializer.
/// </summary>
public static class LastRun
{
    public const string FileName = "last-run.txt";

    // 2: a line may carry the text it has when given again (ReportLine.Again).
    private const string Header = "pkgbuild-last-run 2";

    /// <summary>
    /// The stamp of a run's inputs: <paramref name="parts"/> (settings, guests, Racket) and the size and time
    /// of each of <paramref name="files"/>, as MSBuild's own up-to-date checks trust time stamps (a file the
    /// steps before rewrite only when its content changes).
    /// </summary>
    public static string Stamp(IEnumerable<string> parts, IEnumerable<string> files)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            text.Append(part).Append('\n');
        }
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            text.Append(file).Append(' ').Append(info.Exists ? $"{info.Length} {info.LastWriteTimeUtc.Ticks}" : "absent").Append('\n');
        }
        return Sha256.Of(text.ToString());
    }

    /// <summary>
    /// The report of the last run, when its stamp is <paramref name="stamp"/> and every result file and log
    /// it named is still under <paramref name="results"/>; otherwise null.
    /// </summary>
    public static RunReport? TryRead(string stateDirectory, ResultsLayout results, string stamp)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        var lines = new List<ReportLine>();
        var items = new List<ReportItem>();
        var stamped = false;
        var first = true;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var fields = line.Split('\t').Select(Unescape).ToArray();
            if (first)
            {
                if (line != Header)
                {
                    return null; // another format: run, which rewrites it
                }
                first = false;
                continue;
            }
            switch (fields)
            {
                case ["stamp", var s]:
                    if (s != stamp)
                    {
                        return null;
                    }
                    stamped = true;
                    break;
                case ["file", var file]:
                    if (!File.Exists(results.Resolve(file)))
                    {
                        return null;
                    }
                    break;
                case ["line", var kind, var code, var text] when Enum.TryParse<ReportLineKind>(kind, out var k):
                    lines.Add(new ReportLine(k, code.Length == 0 ? null : code, text));
                    break;
                case ["line", var kind, var code, var text, var again] when Enum.TryParse<ReportLineKind>(kind, out var k):
                    lines.Add(new ReportLine(k, code.Length == 0 ? null : code, text) { Again = again });
                    break;
                case ["item", var output, var name, .. var metadata] when metadata.Length % 2 == 0:
                    items.Add(new ReportItem(output, name, metadata.Chunk(2).Select(m => KeyValuePair.Create(m[0], m[1])).ToList()));
                    break;
                case ["end"]:
                    return stamped ? new RunReport(lines, items) : null;
                default:
                    return null; // damaged
            }
        }
        return null; // torn: no end line
    }

    /// <summary>
    /// Records a run that decided every package: its report, and the files under the results directory
    /// (relative) that must still be there for the report to be given again.
    /// </summary>
    public static void Write(string stateDirectory, string stamp, RunReport report, IEnumerable<string> files)
    {
        var text = new StringBuilder(Header).Append('\n');
        Line(text, "stamp", stamp);
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            Line(text, "file", file);
        }
        foreach (var line in report.Lines)
        {
            Line(text, line.Again == null
                ? ["line", line.Kind.ToString(), line.Code ?? "", line.Text]
                : ["line", line.Kind.ToString(), line.Code ?? "", line.Text, line.Again]);
        }
        foreach (var item in report.Items)
        {
            Line(text, ["item", item.Output, item.Name, .. item.Metadata.SelectMany(m => new[] { m.Key, m.Value })]);
        }
        Line(text, "end");
        AtomicFile.WriteAllText(Path.Combine(stateDirectory, FileName), text.ToString());
    }

    /// <summary>
    /// Whether a run decided everything a next build would otherwise do again: no package on either side
    /// ended in an infrastructure failure (never journaled, so built again) and no confirmation run was
    /// spoiled by a timeout or the infrastructure (not kept, so confirmed again).
    /// </summary>
    public static bool Decided(RunSummary summary) =>
        summary.Results.All(r => r.Outcome != Results.PackageOutcome.InfrastructureFailure)
        && summary.Verdicts.All(v => v.Baseline?.Outcome != Results.PackageOutcome.InfrastructureFailure
            && v.Confirmations.All(Verdicts.VerdictRules.Counts));

    /// <summary>
    /// The logs a run's results name, relative to the results directory: they must still be there for its
    /// report to be given again. The baseline side's only when it was built in this run
    /// (<paramref name="baselineRun"/>): a pkg-build summary's log paths are that server's.
    /// </summary>
    public static IEnumerable<string> Logs(RunSummary summary, bool baselineRun) =>
        summary.Results.Concat(summary.Verdicts.SelectMany(v => baselineRun && v.Baseline is { } b ? new[] { v.Modified, b } : [v.Modified]))
            .SelectMany(r => new[] { r.InstallLog, r.DependencyLog, r.TestLog }).OfType<string>();

    /// <summary>Forgets the last run, before a run that may change the results starts.</summary>
    public static void Forget(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void Line(StringBuilder text, params string[] fields) =>
        text.AppendJoin('\t', fields.Select(Escape)).Append('\n');

    private static string Escape(string field) =>
        field.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");

    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }
        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 1 < field.Length)
            {
                i++;
                text.Append(field[i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', var c => c });
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }
}
