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
/// input changes or the package is asked for again (<c>PkgBuildForce</c>, <c>PkgBuildRetryFailed</c>). A run
/// the machine spoiled is run again, and if it stays spoiled it is not counted and not kept. Their logs go to <c>confirm/&lt;side&gt;-&lt;n&gt;/logs/</c>; they publish no built package.
/// </summary>
internal sealed class Confirmations(RunSettings settings, IReadOnlyList<RunGuest> guests, Action<string> progress, RunSide modified, RunSide? baselineSide)
{
    public const string FileName = "confirmations.jsonl";

    private static JsonSerializerOptions Json => ResultJson.Line;

    /// <param name="modifiedResults">Each candidate's recorded result with the change: what a confirmation run is held against.</param>
    /// <param name="again">Packages asked again (<c>PkgBuildForce</c>, <c>PkgBuildRetryFailed</c>): confirmed again even with the same keys.</param>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ConfirmRun>>> ConfirmAsync(IReadOnlyList<string> candidates,
        IReadOnlyDictionary<string, PackageResult> modifiedResults, IReadOnlyDictionary<string, PackageResult> baseline,
        Func<string, string> modifiedKey, Func<string, string> baselineKey, Func<string, bool> again, CancellationToken cancellationToken)
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
            if (!again(package) && stored.TryGetValue(package, out var s) && s.ModifiedKey == modifiedKey(package) && s.BaselineKey == baselineKey(package)
                && s.Runs.Count >= settings.ConfirmRuns)
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

        var jobs = new List<(string Package, int Run, RunSide Side)>();
        foreach (var package in needed)
        {
            for (var run = 1; run <= settings.ConfirmRuns; run++)
            {
                jobs.Add((package, run, modified));
                if (baselineSide != null)
                {
                    jobs.Add((package, run, baselineSide));
                }
            }
        }
        PackageResult Recorded(string package, RunSide side) => side == modified ? modifiedResults[package] : baseline[package];
        var outcomes = new ConcurrentDictionary<(string, int, string), PackageResult>();
        // A run the machine spoiled (VerdictRules.Spoils) is run again, as the scheduler retries an
        // infrastructure failure: only the package's own behaviour may make a regression flaky.
        for (var attempt = 0; attempt <= settings.InfrastructureRetries && jobs.Count > 0; attempt++)
        {
            await RunAllAsync(jobs, outcomes, cancellationToken).ConfigureAwait(false);
            jobs = jobs.Where(j => VerdictRules.Spoils(outcomes[(j.Package, j.Run, j.Side.Name)], Recorded(j.Package, j.Side))).ToList();
        }

        var lines = new StringBuilder();
        foreach (var package in needed)
        {
            var runs = Enumerable.Range(1, settings.ConfirmRuns).Select(run =>
            {
                var m = outcomes[(package, run, modified.Name)];
                var b = baselineSide != null ? outcomes[(package, run, baselineSide.Name)] : null;
                return new ConfirmRun(m.Outcome, b?.Outcome ?? baseline[package].Outcome)
                {
                    Spoiled = VerdictRules.Spoils(m, modifiedResults[package]) || b != null && VerdictRules.Spoils(b, baseline[package]),
                    ModifiedLogs = Logs(m),
                    BaselineLogs = b != null ? Logs(b) : [],
                };
            }).ToList();
            result[package] = runs;
            if (runs.All(VerdictRules.Counts))
            {
                // A run a timeout or the infrastructure spoiled is not kept: the next build confirms again.
                stored[package] = new StoredConfirmation(package, modifiedKey(package), baselineKey(package), runs);
            }
            else
            {
                stored.Remove(package);
            }
            progress($"confirmation of {package}: {string.Join("; ", runs.Select(r => $"{r.Modified.Label()} with the change, {r.Baseline.Label()} without{(r.Spoiled ? " (spoiled, not counted)" : "")}"))}"
                + $" -> {VerdictRules.Confirm(runs).Label()}");
        }
        foreach (var s in stored.Values.OrderBy(s => s.Package, StringComparer.Ordinal))
        {
            lines.Append(JsonSerializer.Serialize(s, Json)).Append('\n');
        }
        AtomicFile.WriteAllText(path, lines.ToString());
        return result;
    }

    /// <summary>Runs each job on the first free guest slot, its result (the last one, for a job run again) in <paramref name="outcomes"/>.</summary>
    private async Task RunAllAsync(IReadOnlyList<(string Package, int Run, RunSide Side)> all, ConcurrentDictionary<(string, int, string), PackageResult> outcomes,
        CancellationToken cancellationToken)
    {
        var jobs = new ConcurrentQueue<(string Package, int Run, RunSide Side)>(all);
        var slots = RunGuest.Slots(guests);
        await Task.WhenAll(slots.Select(slot => Task.Run(async () =>
        {
            while (jobs.TryDequeue(out var job))
            {
                var side = job.Side with { LogsDirectory = $"confirm/{job.Side.Name}-{job.Run}/logs", RunLabelOverride = $"{job.Side.Name}-confirm-{job.Run}" };
                var runner = new PackageJob(settings, side, new BuiltCatalog(settings.SiteDirectory, job.Side.BuiltDirectory), _ => false);
                PackageResult outcome;
                try
                {
                    outcome = await runner.RunAsync(job.Package, slot, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Not the package's: this run does not count.
                    outcome = new PackageResult { Package = job.Package, Outcome = PackageOutcome.InfrastructureFailure, Message = e.Message, Finished = DateTimeOffset.UtcNow };
                }
                outcomes[(job.Package, job.Run, job.Side.Name)] = outcome;
            }
        }, CancellationToken.None))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>A confirmation run's logs, for the reports' links.</summary>
    private static IReadOnlyList<string> Logs(PackageResult r) => new[] { r.InstallLog, r.DependencyLog, r.TestLog }.OfType<string>().ToList();

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
