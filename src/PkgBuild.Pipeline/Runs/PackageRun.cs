using System.Diagnostics;
using System.Globalization;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Runs;

/// <summary>What a run is asked to build, beyond its settings: PkgBuildScope, PkgBuildPackage, PkgBuildSkip, PkgBuildForce, PkgBuildRetryFailed.</summary>
public sealed record RunSelection
{
    public RunScope Scope { get; init; } = RunScope.All;

    public IReadOnlyCollection<string> Packages { get; init; } = [];

    /// <summary>The packages the overrides changed (what <see cref="RunScope.Dependents"/> starts from).</summary>
    public IReadOnlyCollection<string> Overridden { get; init; } = [];

    public IReadOnlyCollection<string> Skip { get; init; } = [];

    public IReadOnlyCollection<string> Force { get; init; } = [];

    public bool RetryFailed { get; init; }

    /// <summary>Where an item naming a package was written, for errors.</summary>
    public Func<string, SourceLocation>? Locate { get; init; }
}

/// <summary>What a run did: every selected package's result (kept or new) and how many were built now.</summary>
public sealed record RunSummary(IReadOnlyList<PackageResult> Results, int Built, int Kept, TimeSpan Elapsed)
{
    public int Count(PackageOutcome outcome) => Results.Count(r => r.Outcome == outcome);

    public IEnumerable<PackageResult> Failures => Results.Where(r => r.Outcome != PackageOutcome.Success && r.Outcome != PackageOutcome.InfrastructureFailure);
}

/// <summary>
/// RunPkgBuild's work, without MSBuild: select the packages, keep every result whose inputs did not change
/// (the journal), build the rest dependencies first on every guest slot, and write the results
/// (<c>summary.rktd</c>, <c>summary.json</c>, <c>report.html</c>, <c>logs/</c>).
/// </summary>
public sealed class PackageRun(RunSettings settings, IReadOnlyList<RunGuest> guests, Action<string> progress, Action<PackageResult>? finished = null)
{
    public async Task<RunSummary> RunAsync(RunSelection selection, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var archive = DirectoryCatalog.Read(Path.Combine(settings.SiteDirectory, "catalog"));
        var graph = PackageGraph.FromCatalog(archive);
        var selected = PackageSelection.Select(graph, selection.Scope, selection.Packages, selection.Overridden, selection.Skip, selection.Locate);
        foreach (var unknown in selection.Force.Where(f => !graph.Contains(f)))
        {
            throw new PkgBuildException(ErrorCodes.UnknownPackage, $"PkgBuildForce '{unknown}' is not a package of the edited catalog.", selection.Locate?.Invoke(unknown) ?? default);
        }
        var inputs = new PackageInputs(graph, archive, settings.Fingerprint);
        var keys = graph.Packages.ToDictionary(p => p, inputs.KeyOf, StringComparer.Ordinal);

        using var journal = RunJournal.Open(settings.StateDirectory);
        if (journal.DamagedLines > 0)
        {
            progress($"warning {ErrorCodes.JournalDamaged}: {journal.DamagedLines} line(s) of the run journal could not be read (a build killed while writing); those packages are built again.");
        }
        var forced = selection.Force.ToHashSet(StringComparer.Ordinal);
        bool Keep(string p) =>
            journal.Entries.TryGetValue(p, out var e) && e.Key == keys[p] && !forced.Contains(p)
            && e.Result.Outcome != PackageOutcome.InfrastructureFailure
            && !(selection.RetryFailed && e.Result.Outcome != PackageOutcome.Success)
            && LogsPresent(e.Result); // results deleted by hand: build again rather than point at nothing
        // A package is built again when anything it depends on is, as pkg-build does.
        var redo = graph.DependentsOf(selected.Where(p => !Keep(p))).Where(selected.Contains).ToHashSet(StringComparer.Ordinal);
        var kept = selected.Where(p => !redo.Contains(p)).ToDictionary(p => p, p => journal.Entries[p].Result, StringComparer.Ordinal);

        // A built package stays published only while it is exactly what its dependents would get now.
        var built = new BuiltCatalog(settings.SiteDirectory);
        built.Reset(archive, package => !redo.Contains(package) && journal.Entries.TryGetValue(package, out var e)
            && e.Key == keys[package] && e.Result.Installed);

        progress(redo.Count == 0
            ? $"all {selected.Count} selected package(s) are unchanged since they were built: nothing to do"
            : $"{redo.Count} of {selected.Count} selected package(s) to build on {guests.Sum(g => g.Machine.Spec.Parallelism)} slot(s)"
              + (kept.Count > 0 ? $"; {kept.Count} unchanged, their results kept" : ""));

        var results = new Dictionary<string, PackageResult>(kept, StringComparer.Ordinal);
        if (redo.Count > 0)
        {
            // Only a package something depends on is worth packing compiled for its dependents.
            var runner = new PackageRunner(settings, archive, built, package => graph.DirectDependentsOf(package).Count > 0);
            var scheduler = new RunScheduler(graph, redo, kept) { InfrastructureRetries = settings.InfrastructureRetries };
            var slots = guests.SelectMany(g => Enumerable.Repeat(g, g.Machine.Spec.Parallelism)).ToList();
            var done = 0;
            var runClock = Stopwatch.StartNew();
            await scheduler.RunAsync(slots, runner.RunAsync, result =>
            {
                if (result.Outcome != PackageOutcome.InfrastructureFailure)
                {
                    journal.Record(keys[result.Package], result);
                }
                results[result.Package] = result;
                done++;
                progress(ProgressLine(done, redo.Count, result, runClock.Elapsed));
                finished?.Invoke(result);
            }, cancellationToken).ConfigureAwait(false);
        }
        journal.Compact(graph.Contains);

        var all = results.Values.OrderBy(r => r.Package, StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(settings.ResultsDirectory);
        SummaryWriter.Write(settings.ResultsDirectory, all);
        HtmlReport.Write(Path.Combine(settings.ResultsDirectory, "report.html"), all);
        return new RunSummary(all, redo.Count, kept.Count, clock.Elapsed);
    }

    private bool LogsPresent(PackageResult r) =>
        new[] { r.InstallLog, r.DependencyLog, r.TestLog }.All(log => log == null || File.Exists(Path.Combine(settings.ResultsDirectory, log)));

    /// <summary><c>[k/N] name: result (time), about T left</c>.</summary>
    public static string ProgressLine(int done, int total, PackageResult result, TimeSpan elapsed)
    {
        var left = done >= total ? "" : $", about {Duration(elapsed / done * (total - done))} left";
        return $"[{done}/{total}] {result.Package}: {Describe(result)} ({Duration(result.Elapsed)}{(result.Guest != null ? " on " + result.Guest : "")}){left}";
    }

    public static string Describe(PackageResult r) => r.Outcome switch
    {
        PackageOutcome.Success => "success",
        PackageOutcome.TestFailure => "test failure",
        PackageOutcome.DependencyProblem => "dependency problem (undeclared or unused dependencies)",
        PackageOutcome.InstallFailure => "install failure",
        PackageOutcome.BlockedByDependency => $"blocked by {r.BlockedBy}",
        PackageOutcome.Timeout => $"timeout in {r.Step} ({r.Message})",
        PackageOutcome.InfrastructureFailure => $"infrastructure failure ({r.Message})",
        _ => r.Outcome.ToString(),
    };

    public static string Duration(TimeSpan t) => t.TotalSeconds < 60
        ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(int)t.TotalMinutes} min {t.Seconds} s";
}
