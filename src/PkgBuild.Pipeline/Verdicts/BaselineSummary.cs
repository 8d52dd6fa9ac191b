using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>
/// A pkg-build <c>summary.rktd</c> as a baseline (<c>PkgBuildBaseline=&lt;path or URL&gt;</c>): each
/// package's result from the logs its entry names. An install failure (<c>failure-log</c>) beats a test
/// failure, which beats a dependency problem; a package with none of them and a <c>success-log</c> passed.
/// A <c>dep-failure-log</c> is a dependency problem: pkg-build writes one for any failed dependency check,
/// so a summary cannot tell a reported problem from a check that failed, and the common case is the one kept.
/// Log paths are kept as written, relative to the summary. Entries that are not package names or not
/// hashes are skipped: a summary from elsewhere is untrusted input.
/// </summary>
public static class BaselineSummary
{
    public static async Task<IReadOnlyDictionary<string, PackageResult>> LoadAsync(string pathOrUrl, CancellationToken cancellationToken)
    {
        string text;
        // Only what is spelled as a URL is one: a plain path is used as written (no %XX decoding).
        var isUrl = pathOrUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || pathOrUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || pathOrUrl.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        Uri? uri = null;
        if (isUrl && Uri.TryCreate(pathOrUrl, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https")
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new PkgBuildException(ErrorCodes.BaselineUnreadable, $"PkgBuildBaseline: GET {uri} answered {(int)response.StatusCode}.", default);
            }
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var path = uri is { IsFile: true } ? uri.LocalPath : pathOrUrl;
            if (!File.Exists(path))
            {
                throw new PkgBuildException(ErrorCodes.BaselineUnreadable, $"PkgBuildBaseline: there is no file {path} (a pkg-build summary.rktd, or Run).", default);
            }
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            // Its logs, where they are next to it, give the failures' first errors (a changed failure needs both sides').
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            return Parse(text, pathOrUrl).ToDictionary(r => r.Key,
                r => FirstError.Fill(r.Value, log => ReportText.IsPlainRelativePath(log) ? Path.Combine(directory, log) : null), StringComparer.Ordinal);
        }
        return Parse(text, pathOrUrl);
    }

    public static IReadOnlyDictionary<string, PackageResult> Parse(string text, string origin)
    {
        var datum = DatumReader.ReadSingle(text, origin);
        if (datum is not RacketHash summary)
        {
            throw new PkgBuildException(ErrorCodes.BaselineUnreadable, $"{origin} is not a pkg-build summary: it holds {datum.Kind}, not a hash.", datum.Location);
        }
        var results = new Dictionary<string, PackageResult>(StringComparer.Ordinal);
        foreach (var (key, value) in summary.Entries)
        {
            if (key is not RacketString { Value: var name } || !PackageName.IsValid(name) || value is not RacketHash entry)
            {
                continue;
            }
            string? Log(string field) => entry[field] is RacketString { Value: var s } ? s : null;
            var failure = Log("failure-log");
            var testFailure = Log("test-failure-log");
            var depFailure = Log("dep-failure-log");
            var success = Log("success-log");
            var outcome = failure != null ? PackageOutcome.InstallFailure
                : testFailure != null ? PackageOutcome.TestFailure
                : depFailure != null ? PackageOutcome.DependencyProblem
                : success != null ? PackageOutcome.Success
                : (PackageOutcome?)null;
            if (outcome == null)
            {
                continue;
            }
            results[name] = new PackageResult
            {
                Package = name,
                Outcome = outcome.Value,
                Author = entry["author"] is RacketString { Value: var a } ? a : null,
                InstallLog = failure ?? success,
                TestLog = testFailure ?? Log("test-success-log"),
                DependencyLog = depFailure,
                // As a run of ours would have it (PackageResult.Step): pkg-build checks dependencies after every install.
                Step = failure != null ? StepNames.Install
                    : testFailure != null || depFailure == null && Log("test-success-log") != null ? StepNames.Test
                    : StepNames.CheckDeps,
            };
        }
        return results;
    }
}
