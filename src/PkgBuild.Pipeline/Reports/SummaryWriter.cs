using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// <c>summary.rktd</c> in pkg-build's shape — package name to a hash with <c>success-log</c>,
/// <c>failure-log</c>, <c>dep-failure-log</c>, <c>test-success-log</c>, <c>test-failure-log</c>,
/// <c>min-failure-log</c>, <c>arch-failure-log</c> (each <c>#f</c> or a relative path), <c>docs</c> and
/// <c>author</c>, so tools that read pkg-build's summaries read ours — and <c>summary.json</c> with
/// everything, outcome categories and times included. Both written whole or not at all.
/// </summary>
public static class SummaryWriter
{
    private static JsonSerializerOptions Json => ResultJson.Document;

    public static void Write(ResultsLayout layout, IReadOnlyList<PackageResult> results)
    {
        var entries = results.OrderBy(r => r.Package, StringComparer.Ordinal).Select(r =>
        {
            if (!PackageName.IsValid(r.Package))
            {
                throw new ArgumentException($"'{r.Package}' is not a package name.", nameof(results));
            }
            return KeyValuePair.Create<Datum, Datum>(new RacketString(r.Package), Entry(r));
        });
        AtomicFile.WriteAllText(layout.SummaryRktd, DatumWriter.WriteToString(new RacketHash(entries)));
        AtomicFile.WriteAllText(layout.SummaryJson,
            JsonSerializer.Serialize(results.OrderBy(r => r.Package, StringComparer.Ordinal), Json) + "\n");
    }

    /// <summary>
    /// The keys pkg-build writes, each a path or <c>#f</c>. pkg-build has a failing <c>--check-pkg-deps</c> as
    /// a dep failure whatever made it fail, so a dependency problem and a failed check both give <c>dep-failure-log</c>;
    /// a check that passed gives none (pkg-build's page would list "dependency problems"), though its log is kept.
    /// </summary>
    private static RacketHash Entry(PackageResult r)
    {
        var installed = r.Installed;
        Datum Log(bool when, string? path) => when && path != null ? new RacketString(path) : new RacketBoolean(false);
        return new RacketHash(HashKind.Equal,
        [
            Pair("success-log", Log(installed, r.InstallLog)),
            Pair("failure-log", Log(!installed, r.InstallLog)),
            Pair("dep-failure-log", Log(r.DependencyCheckFailed, r.DependencyLog)),
            Pair("test-success-log", Log(r.Outcome is PackageOutcome.Success or PackageOutcome.DependencyProblem or PackageOutcome.DependencyCheckFailure, r.TestLog)),
            Pair("test-failure-log", Log(r.Outcome is PackageOutcome.TestFailure || r.Outcome == PackageOutcome.Timeout && r.Step == StepNames.Test, r.TestLog)),
            Pair("min-failure-log", new RacketBoolean(false)),
            Pair("arch-failure-log", new RacketBoolean(false)),
            Pair("docs", RacketList.Empty),
            Pair("author", r.Author == null ? new RacketBoolean(false) : new RacketString(r.Author)),
        ]);
    }

    private static KeyValuePair<Datum, Datum> Pair(string key, Datum value) => KeyValuePair.Create<Datum, Datum>(new RacketSymbol(key), value);
}
