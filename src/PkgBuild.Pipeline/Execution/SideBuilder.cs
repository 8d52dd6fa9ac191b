using System.Diagnostics;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.State;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// One side's packages: keep every result whose inputs did not change (the side's journal, or the other
/// side's for a package the change does not reach: same key, same result), build the rest dependencies
/// first on every guest slot, and journal each as it finishes.
/// </summary>
internal sealed class SideBuilder(RunSettings settings, RunSide side, PackageGraph graph, IReadOnlyList<RunGuest> guests, Action<RunEvent> events)
{
    /// <summary>This side's results for <paramref name="selected"/>; <paramref name="known"/> holds results decided elsewhere (archive failures).</summary>
    public async Task<(Dictionary<string, PackageResult> Results, int Built, IReadOnlySet<string> Kept, IReadOnlyDictionary<string, string> Keys)> RunAsync(
        IReadOnlySet<string> selected, RunSelection selection, IReadOnlyDictionary<string, PackageResult> known,
        IReadOnlyDictionary<string, JournalEntry>? otherSide, CancellationToken cancellationToken, SideKeys? handOver = null, RunSide? takeOverFrom = null)
    {
        var inputs = new PackageInputs(graph, side.Archive, settings.Fingerprint);
        var keys = graph.Packages.ToDictionary(p => p, inputs.KeyOf, StringComparer.Ordinal);
        using var journal = RunJournal.Open(side.JournalDirectory);
        if (journal.DamagedLines > 0)
        {
            events(new RunWarning(new PkgBuildException(ErrorCodes.JournalDamaged,
                $"{journal.DamagedLines} line(s) of the {side.Name} run journal could not be read (a build killed while writing); those packages are built again.")));
        }
        var forced = selection.Force.ToHashSet(StringComparer.Ordinal);
        var toBuild = selected.Where(p => !known.ContainsKey(p)).ToHashSet(StringComparer.Ordinal);
        if (takeOverFrom != null)
        {
            TakeOver(toBuild.Where(p => !forced.Contains(p)), keys, journal, takeOverFrom);
        }

        PackageResult? Earlier(string p) =>
            journal.Entries.TryGetValue(p, out var e) && e.Key == keys[p] ? e.Result
            : otherSide != null && otherSide.TryGetValue(p, out var o) && o.Key == keys[p] ? o.Result
            : null;
        // No result for these inputs (changed, new, or a run killed or failed before it, or its logs gone): built
        // again. Changed inputs reach every dependent through its key (which holds its dependency closure's
        // sources and checksums); past that, a dependent is built again only when its result came from this
        // one's failure (blocked): one built with it installed still holds, even when it finished first.
        var missing = toBuild.Where(p => Earlier(p) is not { } r || r.Outcome == PackageOutcome.InfrastructureFailure || !LogsPresent(r)).ToHashSet(StringComparer.Ordinal);
        var changed = graph.DependentsOf(missing).Where(p => missing.Contains(p) || Earlier(p) is { Outcome: PackageOutcome.BlockedByDependency });
        // Asked again with the same inputs: only the package itself (its dependents' inputs are unchanged).
        var again = toBuild.Where(p => forced.Contains(p) || selection.RetryFailed && Earlier(p) is { Outcome: not PackageOutcome.Success });
        var redo = changed.Concat(again).Where(toBuild.Contains).ToHashSet(StringComparer.Ordinal);
        Unblock(toBuild, redo, known, Earlier);
        var kept = toBuild.Where(p => !redo.Contains(p)).ToDictionary(p => p, p => Earlier(p)!, StringComparer.Ordinal);
        if (handOver != null)
        {
            HandOver(redo, keys, journal, handOver);
        }

        // A built package stays published only while it is exactly what its dependents would get now; one
        // built on the other side with the same key serves here too.
        var built = new BuiltCatalog(settings.SiteDirectory, side.BuiltDirectory);
        built.Reset(side.Archive,
            package => !redo.Contains(package) && journal.Entries.TryGetValue(package, out var e) && e.Key == keys[package] && e.Result.Installed,
            package => !redo.Contains(package) && otherSide != null && otherSide.TryGetValue(package, out var o) && o.Key == keys[package] && o.Result.Installed
                ? BorrowedZip(package) : null);

        var label = side.Name == RunSide.ModifiedName ? "" : $" ({side.Name})";
        events(new RunMessage(redo.Count == 0
            ? $"all {toBuild.Count} selected package(s){label} are unchanged since they were built: nothing to do"
            : $"{redo.Count} of {toBuild.Count} selected package(s){label} to build on {guests.Sum(g => g.Machine.Spec.Parallelism)} slot(s)"
              + (kept.Count > 0 ? $"; {kept.Count} unchanged, their results kept" : "")));

        var results = new Dictionary<string, PackageResult>(kept, StringComparer.Ordinal);
        var reblocked = 0;
        if (redo.Count > 0)
        {
            var context = new Dictionary<string, PackageResult>(kept, StringComparer.Ordinal);
            foreach (var (p, r) in known)
            {
                context[p] = r;
            }
            // A kept result built on a package built again now holds only while that one still installs (one
            // forced or retried may not): decided after it, kept or blocked, as a clean build would decide it.
            var provisional = graph.DependentsOf(redo).Where(kept.ContainsKey).ToDictionary(p => p, p => kept[p], StringComparer.Ordinal);
            var scheduler = new RunScheduler(graph, redo.Concat(provisional.Keys), context)
            {
                InfrastructureRetries = settings.InfrastructureRetries,
                Provisional = provisional,
            };
            // Only a package something depends on is worth packing compiled for its dependents; one packed and
            // released to them is not packed again on a retry (they may be installing that zip right now).
            var runner = new PackageJob(settings, side, built, package => graph.DirectDependentsOf(package).Count > 0 && !scheduler.IsReleased(package));
            var slots = RunGuest.Slots(guests);
            var done = 0;
            var clock = Stopwatch.StartNew();
            await scheduler.RunAsync<RunGuest>(slots, (package, guest, installed, token) => runner.RunAsync(package, guest, installed, token), result =>
            {
                if (provisional.TryGetValue(result.Package, out var same) && ReferenceEquals(same, result))
                {
                    return; // kept after all
                }
                if (kept.Remove(result.Package))
                {
                    reblocked++;
                }
                // A blocked package never reached a guest: its author comes from the catalog.
                result = result.Author != null ? result : result with { Author = side.Archive[result.Package]?.Author };
                if (result is { Outcome: PackageOutcome.BlockedByDependency, BlockedBy: { } root })
                {
                    // Never reached a guest: the logs of what it was before must not sit beside this result,
                    // only the install log that names its blocker.
                    RemoveLogs(result.Package);
                    result = BlockedLog.Write(settings, side, result, results.GetValueOrDefault(root) ?? known.GetValueOrDefault(root));
                }
                result = Verdicts.FirstError.Fill(result, settings.Results.Resolve); // kept in the journal with the result
                if (result.Outcome != PackageOutcome.InfrastructureFailure)
                {
                    journal.Record(keys[result.Package], result);
                }
                results[result.Package] = result;
                done++;
                events(new PackageFinished(side.Name, result, done, redo.Count + reblocked, clock.Elapsed));
            }, cancellationToken).ConfigureAwait(false);
        }
        journal.Compact(graph.Contains);
        foreach (var (p, r) in known.Where(k => selected.Contains(k.Key)))
        {
            results[p] = r;
        }
        return (results, redo.Count + reblocked, kept.Keys.ToHashSet(StringComparer.Ordinal), keys);

        string? BorrowedZip(string package) => side.Name == RunSide.ModifiedName
            ? null
            : new BuiltCatalog(settings.SiteDirectory, BuiltCatalog.Directory).BuiltZip(package);
    }

    /// <summary>
    /// A blocked result is no build but a conclusion from the dependencies' results, so it is kept only while
    /// they would block it the same way now; and a kept result of any other kind only while no dependency's
    /// result now blocks it. A dependency's result or presence can change without its key changing (it is
    /// skipped or no longer named, asked again, or its archive failure is mended), so this is checked here,
    /// dependencies first, as the scheduler would decide it in a clean build: the packages to redo join
    /// <paramref name="redo"/> (a blocked one is decided again there without taking a slot).
    /// </summary>
    private void Unblock(IReadOnlySet<string> toBuild, HashSet<string> redo, IReadOnlyDictionary<string, PackageResult> known, Func<string, PackageResult?> earlier)
    {
        StronglyConnected.Components(graph, out var order);
        foreach (var package in order.Where(p => toBuild.Contains(p) && !redo.Contains(p)))
        {
            var kept = earlier(package)!;
            var dependencies = graph.DependenciesOf(package);
            if (kept.Outcome == PackageOutcome.BlockedByDependency && dependencies.Any(redo.Contains))
            {
                redo.Add(package);
                continue;
            }
            // As RunScheduler.Ready: the first dependency with a result that did not install blocks it; one
            // not in the run (skipped, not named) is installed from the archive and blocks nothing.
            PackageResult? Now(string d) => known.TryGetValue(d, out var k) ? k : toBuild.Contains(d) && !redo.Contains(d) ? earlier(d) : null;
            var failed = dependencies.Select(Now).FirstOrDefault(r => r is { Installed: false });
            var root = failed == null ? null : failed.BlockedBy ?? failed.Package;
            if (kept.Outcome == PackageOutcome.BlockedByDependency ? kept.BlockedBy != root : root != null)
            {
                redo.Add(package);
            }
        }
    }

    /// <summary>
    /// A result about to be replaced here that the other side still wants (its key there now) moves to that
    /// side, logs, journal line and built zip, before this side's build overwrites them: a package an
    /// override reaches only now was built on this side with the inputs the baseline has, and building it
    /// again there would give the same result.
    /// </summary>
    private void HandOver(IReadOnlySet<string> redo, IReadOnlyDictionary<string, string> keys, RunJournal journal, SideKeys other)
    {
        using var theirs = RunJournal.Open(other.Side.JournalDirectory);
        foreach (var package in redo.Order(StringComparer.Ordinal))
        {
            if (!journal.Entries.TryGetValue(package, out var entry) || entry.Key == keys[package] || !other.Keys.TryGetValue(package, out var wanted)
                || entry.Key != wanted || theirs.Entries.TryGetValue(package, out var has) && has.Key == wanted || !LogsPresent(entry.Result)
                || other.Side.Archive[package] is not { } archived)
            {
                continue;
            }
            Move(entry, side, other.Side, theirs, archived);
        }
    }

    /// <summary>
    /// The reverse of <see cref="HandOver"/>, for the side with the change: a package whose inputs here are
    /// ones <paramref name="other"/> built last (an override removed, so the catalog is the baseline's
    /// again) takes that result, logs, journal line and built zip, instead of being built again.
    /// </summary>
    private void TakeOver(IEnumerable<string> packages, IReadOnlyDictionary<string, string> keys, RunJournal journal, RunSide other)
    {
        if (!Directory.Exists(other.JournalDirectory))
        {
            return;
        }
        using var theirs = RunJournal.Open(other.JournalDirectory);
        foreach (var package in packages.Order(StringComparer.Ordinal))
        {
            if (journal.Entries.TryGetValue(package, out var ours) && ours.Key == keys[package] || !theirs.Entries.TryGetValue(package, out var entry)
                || entry.Key != keys[package] || !LogsPresent(entry.Result) || side.Archive[package] is not { } archived)
            {
                continue;
            }
            Move(entry, other, side, journal, archived);
        }
    }

    /// <summary>Copies a journalled result from one side to the other: its logs into that side's log directory, its built zip, its journal line.</summary>
    private void Move(JournalEntry entry, RunSide from, RunSide to, RunJournal toJournal, CatalogEntry archived)
    {
        var package = entry.Result.Package;
        var fromLogs = $"{from.LogsDirectory}/{package}/";
        var toLogs = $"{to.LogsDirectory}/{package}/";
        var target = settings.Results.Resolve(Path.Combine(to.LogsDirectory, package));
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        Directory.CreateDirectory(target);
        string? Log(string? log)
        {
            if (log == null || !log.StartsWith(fromLogs, StringComparison.Ordinal))
            {
                return log;
            }
            var moved = toLogs + log[fromLogs.Length..];
            File.Copy(settings.Results.Resolve(log), settings.Results.Resolve(moved), overwrite: true);
            return moved;
        }
        var result = entry.Result with { InstallLog = Log(entry.Result.InstallLog), DependencyLog = Log(entry.Result.DependencyLog), TestLog = Log(entry.Result.TestLog) };
        if (result.Installed && new BuiltCatalog(settings.SiteDirectory, from.BuiltDirectory).BuiltZip(package) is { } zip)
        {
            new BuiltCatalog(settings.SiteDirectory, to.BuiltDirectory).Publish(package, Path.Combine(settings.SiteDirectory, zip), archived);
        }
        toJournal.Record(entry.Key, result);
    }

    private void RemoveLogs(string package)
    {
        var logs = settings.Results.Resolve(Path.Combine(side.LogsDirectory, package));
        if (Directory.Exists(logs))
        {
            Directory.Delete(logs, recursive: true);
        }
    }

    public IReadOnlyDictionary<string, JournalEntry> Journal() => RunJournal.Open(side.JournalDirectory).Entries;

    /// <summary>Whether a result's logs are all there; a blocked result journalled before blocked packages had a log has none.</summary>
    private bool LogsPresent(PackageResult r) =>
        !(r is { Outcome: PackageOutcome.BlockedByDependency, InstallLog: null }) && new[] { r.InstallLog, r.DependencyLog, r.TestLog }.All(log => log == null || File.Exists(settings.Results.Resolve(log)));
}

/// <summary>The other side of the run and its packages' keys, for <see cref="SideBuilder"/>'s hand-over.</summary>
internal sealed record SideKeys(RunSide Side, IReadOnlyDictionary<string, string> Keys);
