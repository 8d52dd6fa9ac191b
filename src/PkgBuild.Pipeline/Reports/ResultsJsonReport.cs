using System.Text.Json;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// <c>results.json</c>, the one writer of it: everything report.html shows with a baseline, for machines: what
/// was tested (<c>tested</c>), the counts, and each verdict with its logs, the confirmation runs' included.
/// </summary>
public static class ResultsJsonReport
{
    public static void Write(ResultsLayout layout, RunResults run)
    {
        if (run.Verdicts is { } verdicts)
        {
            AtomicFile.WriteAllText(layout.ResultsJson, Render(verdicts, run.BaselineName ?? "", run.Provided, run.Header));
        }
    }

    public static string Render(IReadOnlyList<PackageVerdict> verdicts, string baselineName, IReadOnlyDictionary<string, string>? provided = null, RunHeader? header = null) =>
        JsonSerializer.Serialize(new
        {
            tested = header?.ToJson(),
            baseline = baselineName,
            counts = Enum.GetValues<Verdict>().ToDictionary(v => v.Spelling(), v => verdicts.Count(x => x.Verdict == v)),
            providedByRacket = ProvidedPackagesReport.Json(provided),
            verdicts,
        }, ResultJson.Document) + "\n";
}
