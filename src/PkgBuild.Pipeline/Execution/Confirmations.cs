using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// Runs each candidate regression again, <c>PkgBuildConfirmRuns</c> times on both sides (with a summary
/// baseline, on the side with the change against the recorded result), on every guest slot. The runs are
/// kept (<c>confirmations.jsonl</c>) with both sides' keys, so a re-run confirms nothing again until an
/// input changes. Their logs go to <c>confirm/&lt;side&gt;-&lt;n&gt;/logs/</c>; they publish no built package.
/// </summary>
internal sealed class Confirmations(RunSettings settings, IReadOnlyList<RunGuest> guests, Action<string> progress, RunSide modified, RunSide? baselineSide)
{
    public const string FileName = "confirmations.jsonl";

    private static JsonSerializerOptions Json => ResultJson.Line;

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ConfirmRun>>> ConfirmAsync(IReadOnlyList<string> candidates,
        IReadOnlyDictionary<string, PackageResult> baseline, Func<string, string> modifiedKey, Func<string, string> baselineKey, CancellationToken cancellationToken)
    {
        var path = Path.Combine(settings.StateDirectory, FileName);
        var stored = Load(path);
        var result = new Dictionary<string, IReadOnlyList<ConfirmRun>>(StringComparer.Ordinal);
        if (settings.ConfirmRuns <= 0)
        {
            return result;
        }
        var needed = new List<string>();
        foreach (var package in candidates)
        {
            if (stored.TryGetValue(package, out var s) && s.ModifiedKey == modifiedKey(package) && s.BaselineKey == baselineKey(package) && s.Runs.Count >= settings.ConfirmRuns)
            {
                result[package] = s.Runs.Take(settings.ConfirmRuns).ToList();
            }
            else
            {
                needed.Add(package);
            }
        }
        if (needed.Count == 0)
        {
            return result;
        }
        progress($"confirming {needed.Count} candidate regression(s), {settings.ConfirmRuns} run(s) on each side: {string.Join(", ", needed)}");

        var jobs = new ConcurrentQueue<(string Package, int Run, RunSide Side)>();
        foreach (var package in needed)
        {
            for (var run = 1; run <= settings.ConfirmRuns; run++)
            {
                jobs.Enqueue((package, run, modified));
                if (baselineSide != null)
                {
                    jobs.Enqueue((package, run, baselineSide));
                }
            }
        }
        var outcomes = new ConcurrentDictionary<(string, int, string), (PackageOutcome Outcome, IReadOnlyList<string> Logs)>();
        var slots = RunGuest.Slots(guests);
        await Task.WhenAll(slots.Select(slot => Task.Run(async () =>
        {
            while (jobs.TryDequeue(out var job))
            {
                var side = job.Side with { LogsDirectory = $"confirm/{job.Side.Name}-{job.Run}/logs", RunLabelOverride = $"{job.Side.Name}-confirm-{job.Run}" };
                var runner = new PackageJob(settings, side, new BuiltCatalog(settings.SiteDirectory, job.Side.BuiltDirectory), _ => false);
                (PackageOutcome, IReadOnlyList<string>) outcome;
                try
                {
                    var r = await runner.RunAsync(job.Package, slot, cancellationToken).ConfigureAwait(false);
                    outcome = (r.Outcome, new[] { r.InstallLog, r.DependencyLog, r.TestLog }.OfType<string>().ToList()); // for the reports' links
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    outcome = (PackageOutcome.InfrastructureFailure, []); // not the package's: this run does not count
                }
                outcomes[(job.Package, job.Run, job.Side.Name)] = outcome;
            }
        }, CancellationToken.None))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var lines = new StringBuilder();
        foreach (var package in needed)
        {
            var runs = Enumerable.Range(1, settings.ConfirmRuns).Select(run => new ConfirmRun(
                outcomes[(package, run, modified.Name)].Outcome,
                baselineSide != null ? outcomes[(package, run, baselineSide.Name)].Outcome : baseline[package].Outcome)
            {
                ModifiedLogs = outcomes[(package, run, modified.Name)].Logs,
                BaselineLogs = baselineSide != null ? outcomes[(package, run, baselineSide.Name)].Logs : [],
            }).ToList();
            result[package] = runs;
            if (!runs.Any(r => VerdictRules.Spurious(r.Modified) || VerdictRules.Spurious(r.Baseline)))
            {
                // A run a timeout or the infrastructure spoiled is not kept: the next build confirms again.
                stored[package] = new StoredConfirmation(package, modifiedKey(package), baselineKey(package), runs);
            }
            progress($"confirmation of {package}: {string.Join("; ", runs.Select(r => $"{r.Modified.Label()} with the change, {r.Baseline.Label()} without"))}"
                + $" -> {VerdictRules.Confirm(runs).Label()}");
        }
        foreach (var s in stored.Values.OrderBy(s => s.Package, StringComparer.Ordinal))
        {
            lines.Append(JsonSerializer.Serialize(s, Json)).Append('\n');
        }
        AtomicFile.WriteAllText(path, lines.ToString());
        return result;
    }

    private static Dictionary<string, StoredConfirmation> Load(string path)
    {
        var stored = new Dictionary<string, StoredConfirmation>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return stored;
        }
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<StoredConfirmation>(line, Json) is { Package: not null, Runs: not null } s)
                {
                    stored[s.Package] = s;
                }
            }
            catch (JsonException)
            {
                // A damaged line: that package is confirmed again.
            }
        }
        return stored;
    }

    private sealed record StoredConfirmation(string Package, string ModifiedKey, string BaselineKey, IReadOnlyList<ConfirmRun> Runs);
}
