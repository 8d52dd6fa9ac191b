using System.Diagnostics;
using System.Globalization;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.State;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// RunPkgBuild's work, without MSBuild: select the packages, build the side with the change (keeping every
/// result whose inputs did not change), then, with a baseline, the side without it (or read a pkg-build
/// summary), confirm the candidate regressions, and write the results: <c>summary.rktd</c> and
/// <c>summary.json</c> (the side with the change, in pkg-build's shape), <c>logs/</c>, and the reports
/// (<see cref="ReportWriter"/>).
/// </summary>
/// <param name="events">What the run tells its watcher as it goes (called from the run's threads).</param>
public sealed class PkgBuildRun(RunSettings settings, IReadOnlyList<RunGuest> guests, Action<RunEvent> events)
{
    /// <summary>What the reports say was tested; the Racket's identity is filled in from the settings.</summary>
    public RunHeader? Header { get; init; }

    private void Progress(string message) => events(new RunMessage(message));

    private void Report(RunResults run)
    {
        run = run with { Header = Header is { } h ? h with { Racket = h.Racket with { Identity = settings.RacketIdentity } } : null };
        ReportWriter.Write(settings.Results, run);
        if (settings.BinlogFilesList is { } list)
        {
            BinlogFiles.Write(list, Path.Combine(settings.StateDirectory, BinlogFiles.CutDirectoryName), settings.Results, run);
        }
    }

    public async Task<RunSummary> RunAsync(RunSelection selection, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (settings.BinlogFilesList is { } list)
        {
            BinlogFiles.Forget(list);
        }
        var modified = RunSide.Modified(settings.SiteDirectory, settings.StateDirectory);
        // Every package of the edited catalog is a node, also one the archive could not fetch: it is an
        // install failure, and what depends on it is blocked rather than failing on its own.
        var edited = settings.EditedCatalogDirectory is { } directory && Directory.Exists(directory) ? DirectoryCatalog.Read(directory) : modified.Archive;
        var provided = settings.ProvidedPackages;
        RefuseProvided(selection, provided, edited);
        if (provided.Count > 0)
        {
            Progress($"Packages installed already: {provided.Count} (the guests' Racket has them in installation scope; given, as pkg-build takes them: never built, never a blocker)");
        }
        var graph = PackageGraph.FromCatalog(edited, provided.Keys.ToHashSet(StringComparer.Ordinal));
        var skip = selection.Skip.Where(p => !provided.ContainsKey(p)).ToList(); // never built anyway
        var reached = provided.Count == 0 ? selection.Overridden : PackageSelection.Reached(edited, graph, selection.Overridden);
        var selected = PackageSelection.Select(graph, selection.Scope, selection.Packages, reached, skip, selection.Locate);
        foreach (var unknown in selection.Force.Where(f => !graph.Contains(f)))
        {
            throw new PkgBuildException(ErrorCodes.UnknownPackage, $"PkgBuildForce '{unknown}' is not a package of the edited catalog.", selection.Locate?.Invoke(unknown) ?? default);
        }
        var unarchived = ArchiveFailures(graph, modified);

        // The baseline side's keys are known before anything is built: what the change's side is about to
        // replace and the baseline still wants is handed over to it (an override added to a built project).
        var baselineSide = settings.Baseline.IsRun ? RunSide.Baseline(settings.SiteDirectory, settings.StateDirectory, modified.Archive, selection.Overridden) : null;
        var handOver = baselineSide == null ? null
            : new SideKeys(baselineSide, graph.Packages.ToDictionary(p => p, new PackageInputs(graph, baselineSide.Archive, settings.Fingerprint).KeyOf, StringComparer.Ordinal));
        // And what the baseline side built last with the inputs this side has now is taken over (an override removed).
        var lastBaseline = baselineSide ?? RunSide.Baseline(settings.SiteDirectory, settings.StateDirectory, modified.Archive, []);
        var withChange = await new SideBuilder(settings, modified, graph, guests, events)
            .RunAsync(selected, selection, unarchived, null, cancellationToken, handOver, lastBaseline).ConfigureAwait(false);
        WithFirstErrors(withChange.Results);
        var all = withChange.Results.Values.OrderBy(r => r.Package, StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(settings.Results.Root);
        SummaryWriter.Write(settings.Results, all);
        var summary = new RunSummary(all, withChange.Built, withChange.Kept.Count, clock.Elapsed) { KeptPackages = withChange.Kept };
        if (settings.Baseline.IsNone)
        {
            Report(RunResults.Plain(all, ProvidedChecksums));
            return summary;
        }

        IReadOnlyDictionary<string, PackageResult> baseline;
        string baselineName, baselineKey;
        IReadOnlyDictionary<string, string>? baselineKeys = null;
        if (baselineSide != null)
        {
            using var modifiedJournal = RunJournal.Open(modified.JournalDirectory);
            var without = await new SideBuilder(settings, baselineSide, graph, guests, events)
                .RunAsync(selected, selection, ArchiveFailures(graph, baselineSide), modifiedJournal.Entries, cancellationToken).ConfigureAwait(false);
            WithFirstErrors(without.Results);
            baseline = without.Results;
            baselineKeys = without.Keys;
            baselineName = "the same packages without the overrides, built in this run";
            baselineKey = "run";
        }
        else
        {
            baseline = await Verdicts.BaselineSummary.LoadAsync(settings.Baseline.Summary!, cancellationToken).ConfigureAwait(false);
            baselineName = settings.Baseline.Summary!;
            baselineKey = IO.Sha256.Of(string.Join("\n", baseline.Values.OrderBy(r => r.Package, StringComparer.Ordinal).Select(r => $"{r.Package} {r.Outcome}")));
        }

        var candidates = Verdicts.VerdictBuilder.Candidates(withChange.Results, baseline);
        var confirmations = await new Confirmations(settings, guests, Progress, modified, baselineSide)
            .ConfirmAsync(candidates, withChange.Results, baseline, p => withChange.Keys[p], p => baselineKeys?[p] ?? baselineKey,
                p => selection.RetryFailed || selection.Force.Contains(p), cancellationToken).ConfigureAwait(false);
        var verdicts = Verdicts.VerdictBuilder.Build(graph, withChange.Results, baseline, confirmations,
            baselineSide == null ? null : (b, m) => Divergence(b, m));
        Report(RunResults.Compared(verdicts, baselineName, ProvidedChecksums));
        return summary with { Verdicts = verdicts, Elapsed = clock.Elapsed };
    }

    /// <summary>
    /// A change to a package the guests' Racket already has cannot be tested there: raco keeps the installed
    /// copy ("package is currently installed in a wider scope") and every dependent runs against it. Refused
    /// before anything is built, at the item that asked for it.
    /// </summary>
    /// <remarks>
    /// An overridden package the Racket has at the edited catalog's checksum is the change itself (installers
    /// built from the edited catalog): given, like any other, and its dependents test it.
    /// </remarks>
    internal static void RefuseProvided(RunSelection selection, IReadOnlyDictionary<string, ProvidedPackage> provided, PackageCatalog edited)
    {
        if (provided.Count == 0)
        {
            return;
        }
        var asked = selection.Overridden.Where(p => provided.TryGetValue(p, out var has) && has.Checksum != edited[p]?.Checksum)
            .Select(p => selection.LocateOverride is { } locate && locate(p) is var (o, at)
                ? (Package: p, Item: $"PkgBuildOverride '{o}'", Location: at)
                : (Package: p, Item: "PkgBuildOverride", Location: default(SourceLocation)))
            .Concat(selection.Packages.Where(provided.ContainsKey).Select(p => (Package: p, Item: $"PkgBuildPackage '{p}'", Location: selection.Locate?.Invoke(p) ?? default)))
            .Concat(selection.Force.Where(provided.ContainsKey).Select(p => (Package: p, Item: $"PkgBuildForce '{p}'", Location: selection.Locate?.Invoke(p) ?? default)))
            .ToList();
        if (asked.Count == 0)
        {
            return;
        }
        var packages = asked.Select(a => a.Package).Distinct(StringComparer.Ordinal).ToList();
        var guests = packages.SelectMany(p => provided[p].Guests).Distinct(StringComparer.Ordinal).Select(g => $"'{g}'");
        var items = string.Join(", ", asked.Select(a => a.Item).Distinct(StringComparer.Ordinal));
        throw new PkgBuildException(ErrorCodes.PackageProvidedByRacket,
            $"{items} asks to test {string.Join(", ", packages)}, which the Racket of guest {string.Join(", ", guests)} already has in installation scope: "
            + "raco would keep the installed copy (\"package is currently installed in a wider scope\") and every package that depends on it would run against that copy, "
            + "so the change would never be tested. Give the guests a Racket without it: a minimal installer (PkgBuildInstaller; eng/minimal-racket.sh builds one from "
            + "Debian's racket source), or installers built from the edited catalog (PkgBuildRacketRepo, with PkgBuildInstallerPackages naming what the installer holds).",
            asked[0].Location);
    }

    private Dictionary<string, string> ProvidedChecksums => settings.ProvidedPackages.ToDictionary(p => p.Key, p => p.Value.Checksum, StringComparer.Ordinal);

    /// <summary>The packages a side's archive lacks (the source could not be fetched), as install failures with the archive's log.</summary>
    private Dictionary<string, PackageResult> ArchiveFailures(PackageGraph graph, RunSide side)
    {
        var failures = new Dictionary<string, PackageResult>(StringComparer.Ordinal);
        var failDirectory = side.Name == RunSide.ModifiedName ? "archive-fail" : Path.Combine(RunSide.BaselineName, "archive-fail");
        foreach (var package in graph.Packages.Where(p => side.Archive[p] == null))
        {
            var log = Path.Combine(settings.SiteDirectory, failDirectory, package + ".txt");
            var copy = $"{side.LogsDirectory}/{package}/archive.txt";
            Directory.CreateDirectory(settings.Results.Resolve(Path.Combine(side.LogsDirectory, package)));
            if (File.Exists(log))
            {
                File.Copy(log, settings.Results.Resolve(copy), overwrite: true);
            }
            failures[package] = new PackageResult
            {
                Package = package,
                Outcome = PackageOutcome.InstallFailure,
                Step = StepNames.Archive,
                InstallLog = File.Exists(log) ? copy : null,
                Message = "its source could not be fetched into the archive",
                Finished = DateTimeOffset.UtcNow,
            };
        }
        return failures;
    }

    /// <summary>The first errors results kept from before first errors were kept (and archive failures) lack, from their logs.</summary>
    private void WithFirstErrors(Dictionary<string, PackageResult> results)
    {
        foreach (var (package, result) in results.ToList())
        {
            results[package] = Verdicts.FirstError.Fill(result, settings.Results.Resolve);
        }
    }

    /// <summary>
    /// Where the log of the step that decided the failing side's outcome (the modified side's, unless it
    /// passed) first departs from the other side's log of the same step: a fixed package is compared where
    /// the baseline failed, not at a step both passed.
    /// </summary>
    private Verdicts.LogDivergence? Divergence(PackageResult baseline, PackageResult modified)
    {
        var step = Verdicts.VerdictRules.Passed(modified.Outcome) ? baseline.Step : modified.Step;
        string? Log(PackageResult r) => step switch
        {
            StepNames.Test => r.TestLog,
            StepNames.CheckDeps => r.DependencyLog,
            _ => r.InstallLog,
        };
        return Log(baseline) is { } b && Log(modified) is { } m
            ? Verdicts.LogDivergence.Find(settings.Results.Resolve(b), settings.Results.Resolve(m))
            : null;
    }
}
