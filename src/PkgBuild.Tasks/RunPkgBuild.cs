using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Runs;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// RunPkgBuild: builds and tests the selected packages on the guests StartVm started, keeping every
/// result whose inputs did not change. One progress line per package; every result is also an output
/// item (<c>PkgBuildPackageResult</c>, with its outcome, step, time and logs as metadata), so the binlog
/// holds each as structured data.
/// </summary>
public sealed class RunPkgBuild : PkgBuildTask
{
    [Required]
    public string SiteDirectory { get; set; } = "";

    [Required]
    public string SiteUrl { get; set; } = "";

    [Required]
    public string ResultsDirectory { get; set; } = "";

    [Required]
    public string StateDirectory { get; set; } = "";

    /// <summary><c>Preinstalled</c>, or empty when the guests get Racket from <see cref="InstallerFiles"/>.</summary>
    public string Racket { get; set; } = "";

    public string[] InstallerFiles { get; set; } = [];

    /// <summary>catalog-edits.json: which packages the overrides changed (PkgBuildScope=Dependents starts there).</summary>
    public string EditsFile { get; set; } = "";

    public string Scope { get; set; } = "";

    public ITaskItem[] Packages { get; set; } = [];

    public ITaskItem[] Skip { get; set; } = [];

    public ITaskItem[] Force { get; set; } = [];

    public bool RetryFailed { get; set; }

    public bool RunTests { get; set; } = true;

    public string InstallTimeout { get; set; } = "";

    public string TestTimeout { get; set; } = "";

    public string SilenceTimeout { get; set; } = "";

    public string MaxLogSize { get; set; } = "";

    public string InfraRetries { get; set; } = "";

    public string Jobs { get; set; } = "";

    public bool FailOnPackageFailure { get; set; }

    /// <summary>The edited catalog: every package, those the archive could not fetch included.</summary>
    public string EditedCatalogDirectory { get; set; } = "";

    /// <summary><c>PkgBuildBaseline</c>: empty, <c>Run</c>, or a summary.rktd's path or URL.</summary>
    public string Baseline { get; set; } = "";

    public string ConfirmRuns { get; set; } = "";

    public bool FailOnRegression { get; set; } = true;

    /// <summary>Every selected package's result, with its outcome and logs as metadata.</summary>
    [Output]
    public ITaskItem[] Results { get; set; } = [];

    /// <summary>With a baseline: every selected package's verdict, with both sides' results as metadata.</summary>
    [Output]
    public ITaskItem[] Verdicts { get; set; } = [];

    private readonly ConcurrentQueue<string> _progress = new();

    protected override void ExecuteCore()
    {
        var engine = (IBuildEngine4)BuildEngine;
        if (engine.GetRegisteredTaskObject(StartGuests.PoolKey(ProjectFile), RegisteredTaskObjectLifetime.Build) is not GuestPool pool)
        {
            throw new PkgBuildException(ErrorCodes.GuestNotReady, "RunPkgBuild found no started guests: StartVm must run first in the same build.", SourceLocation.InFile(ProjectFile));
        }
        // The newest: a site keeps the installers of earlier builds beside the one just made.
        var installer = InstallerFiles.Where(f => !string.IsNullOrWhiteSpace(f) && File.Exists(f)).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        var preinstalled = string.Equals(Racket, "Preinstalled", StringComparison.OrdinalIgnoreCase);
        if (!preinstalled && installer == null)
        {
            throw new PkgBuildException(ErrorCodes.RacketNotChosen,
                "RunPkgBuild has no installer to give the guests Racket: set PkgBuildInstaller, PkgBuildSnapshotUrl or PkgBuildRacketRepo, or PkgBuildRacket=Preinstalled.", SourceLocation.InFile(ProjectFile));
        }
        var settings = new RunSettings
        {
            ResultsDirectory = Path.GetFullPath(ResultsDirectory),
            StateDirectory = Path.GetFullPath(StateDirectory),
            SiteDirectory = Path.GetFullPath(SiteDirectory),
            RacketIdentity = "", // asked of the guests below
            EditedCatalogDirectory = string.IsNullOrEmpty(EditedCatalogDirectory) ? null : Path.GetFullPath(EditedCatalogDirectory),
            Baseline = string.IsNullOrWhiteSpace(Baseline) ? null : Baseline.Trim(),
            ConfirmRuns = (int)(Number(ConfirmRuns, "PkgBuildConfirmRuns", 0, 20) ?? 2),
            RunTests = RunTests,
            InstallTimeout = Seconds(InstallTimeout, "PkgBuildInstallTimeout") ?? TimeSpan.FromMinutes(10),
            TestTimeout = Seconds(TestTimeout, "PkgBuildTestTimeout") ?? TimeSpan.FromMinutes(10),
            SilenceTimeout = SilenceTimeout.Trim() == "0" ? null : Seconds(SilenceTimeout, "PkgBuildSilenceTimeout") ?? TimeSpan.FromMinutes(5),
            MaxLogBytes = Number(MaxLogSize, "PkgBuildMaxLogSize", 1024, long.MaxValue) ?? 10L << 20,
            InfrastructureRetries = (int)(Number(InfraRetries, "PkgBuildInfraRetries", 0, 10) ?? 2),
            Jobs = (int)(Number(Jobs, "PkgBuildJobs", 1, 256) ?? 1),
        };
        var scope = Scope.Trim() switch
        {
            "" or "All" => RunScope.All,
            "Dependents" => RunScope.Dependents,
            _ => throw new PkgBuildException(ErrorCodes.InvalidProperty, $"PkgBuildScope '{Scope}' is neither All nor Dependents.", SourceLocation.InFile(ProjectFile)),
        };
        var items = Packages.Concat(Skip).Concat(Force).ToList();
        var selection = new RunSelection
        {
            Scope = scope,
            Packages = Names(Packages),
            Skip = Names(Skip),
            Force = Names(Force),
            Overridden = EditReport.EditedPackages(EditsFile),
            RetryFailed = RetryFailed,
            Locate = name => items.FirstOrDefault(i => i.ItemSpec == name) is { } item
                ? ItemLocation.Of(item, Packages.Contains(item) ? "PkgBuildPackage" : Skip.Contains(item) ? "PkgBuildSkip" : "PkgBuildForce")
                : SourceLocation.InFile(ProjectFile),
        };

        var summary = WaitWithProgress(RunAsync(pool, settings, installer, preinstalled, selection));
        Results = summary.Results.Select(ToItem).ToArray();
        Verdicts = summary.Verdicts.Select(ToItem).ToArray();
        Report(summary);
        if (summary.Verdicts.Count > 0)
        {
            ReportVerdicts(summary.Verdicts);
        }
    }

    private async Task<RunSummary> RunAsync(GuestPool pool, RunSettings settings, string? installer, bool preinstalled, RunSelection selection)
    {
        var guests = new List<RunGuest>();
        foreach (var machine in pool.Guests)
        {
            var site = await machine.ShareSiteAsync(settings.SiteDirectory, new Uri(SiteUrl), CancellationToken).ConfigureAwait(false);
            string raco = "raco";
            if (!preinstalled)
            {
                _progress.Enqueue($"{machine.Spec.Name}: installing Racket from {Path.GetFileName(installer)} (once per installer)");
                raco = await machine.InstallRacketAsync(installer!, CancellationToken).ConfigureAwait(false);
            }
            guests.Add(new RunGuest(machine, site, raco));
        }
        // Which Racket each guest runs (and that it runs at all) goes into every package's key.
        var identities = new List<string>();
        foreach (var guest in guests)
        {
            identities.Add(await RacketProbe.IdentifyAsync(guest, settings.StateDirectory, CancellationToken).ConfigureAwait(false));
        }
        settings = settings with { RacketIdentity = string.Join(" | ", identities.Distinct()) + (preinstalled ? "" : " installer " + RacketInstall.DirectoryName(installer!)) };
        var run = new PackageRun(settings, guests, _progress.Enqueue);
        return await run.RunAsync(selection, CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits on the task's thread, logging progress as it arrives (MSBuild's logger is the task thread's).</summary>
    private T WaitWithProgress<T>(Task<T> work)
    {
        while (!((IAsyncResult)work).AsyncWaitHandle.WaitOne(TimeSpan.FromMilliseconds(200)))
        {
            Drain();
        }
        Drain();
        return work.GetAwaiter().GetResult();
    }

    private void Drain()
    {
        while (_progress.TryDequeue(out var line))
        {
            if (line.StartsWith("warning ", StringComparison.Ordinal))
            {
                Log.LogWarning(null, ErrorCodes.JournalDamaged, null, null, 0, 0, 0, 0, line[(line.IndexOf(':') + 2)..]);
            }
            else
            {
                Log.LogMessage(MessageImportance.High, "RunPkgBuild: {0}", line);
            }
        }
    }

    private void Report(RunSummary summary)
    {
        var results = summary.Results;
        Log.LogMessage(MessageImportance.High, "RunPkgBuild: {0} package(s): {1}; built now: {2}, kept from earlier builds: {3}",
            results.Count,
            string.Join(", ", Enum.GetValues<PackageOutcome>().Select(o => (o, n: summary.Count(o))).Where(x => x.n > 0).Select(x => $"{x.n} {HtmlReport.Label(x.o)}")),
            summary.Built, summary.Kept);
        var width = results.Select(r => r.Package.Length).DefaultIfEmpty(7).Max();
        foreach (var r in results.OrderBy(r => r.Outcome == PackageOutcome.Success).ThenBy(r => r.Package, StringComparer.Ordinal))
        {
            Log.LogMessage(MessageImportance.High, "  {0}  {1}", r.Package.PadRight(width), PackageRun.Describe(r));
        }
        if (summary.Verdicts.Count == 0)
        {
            Log.LogMessage(MessageImportance.High, "RunPkgBuild: report: {0}", Path.Combine(ResultsDirectory, "report.html"));
        }

        var infrastructure = results.Where(r => r.Outcome == PackageOutcome.InfrastructureFailure).ToList();
        if (infrastructure.Count > 0)
        {
            Log.LogWarning(null, ErrorCodes.InfrastructureFailures, null, ProjectFile, 0, 0, 0, 0,
                $"{infrastructure.Count} package(s) could not be built because a guest failed, even after retries (not counted as package failures; built again next time): "
                + string.Join("; ", infrastructure.Select(r => $"{r.Package}: {r.Message}")));
        }
        var failed = summary.Failures.ToList();
        if (FailOnPackageFailure && failed.Count > 0)
        {
            Log.LogError(null, ErrorCodes.PackagesFailed, null, ProjectFile, 0, 0, 0, 0,
                $"{failed.Count} of {results.Count} package(s) failed (PkgBuildFailOnPackageFailure is true): {string.Join(", ", failed.Select(r => r.Package))}. See {Path.Combine(ResultsDirectory, "report.html")}.");
        }
    }

    private void ReportVerdicts(IReadOnlyList<PackageVerdict> verdicts)
    {
        Log.LogMessage(MessageImportance.High, "RunPkgBuild: verdicts against {0}: {1}",
            string.Equals(Baseline.Trim(), "Run", StringComparison.OrdinalIgnoreCase) ? "the packages without the overrides" : Baseline,
            string.Join(", ", Enum.GetValues<Verdict>().OrderBy(VerdictBuilder.Rank).Select(v => (v, n: verdicts.Count(x => x.Verdict == v))).Where(x => x.n > 0)
                .Select(x => $"{x.n} {VerdictReport.Label(x.v)}")));
        var width = verdicts.Select(v => v.Package.Length).DefaultIfEmpty(7).Max();
        foreach (var v in verdicts.Where(v => v.Verdict != Verdict.StillPassing))
        {
            Log.LogMessage(MessageImportance.High, "  {0}  {1}{2}", v.Package.PadRight(width), VerdictReport.Label(v.Verdict),
                v.RootCause != null ? $" ({v.RootCause})" : v.Verdict == Verdict.Regressed ? $" (impact {v.Impact})" : "");
        }
        Log.LogMessage(MessageImportance.High, "RunPkgBuild: regression report: {0} (summary for a pull request: {1})",
            Path.Combine(ResultsDirectory, "report.html"), Path.Combine(ResultsDirectory, "report.md"));
        foreach (var flaky in verdicts.Where(v => v.Verdict == Verdict.Flaky))
        {
            Log.LogWarning(null, ErrorCodes.FlakyPackage, null, ProjectFile, 0, 0, 0, 0,
                $"{flaky.Package} looked like a regression but did not fail every time it was run again ({string.Join("; ", flaky.Confirmations.Select(c => $"{HtmlReport.Label(c.Modified)} with the change, {HtmlReport.Label(c.Baseline)} without"))}): flaky, not counted.");
        }
        var regressed = verdicts.Where(v => v.Verdict == Verdict.Regressed).ToList();
        if (FailOnRegression && regressed.Count > 0)
        {
            Log.LogError(null, ErrorCodes.Regressions, null, ProjectFile, 0, 0, 0, 0,
                $"{regressed.Count} package(s) regressed: {string.Join(", ", regressed.Select(r => $"{r.Package} ({HtmlReport.Label(r.Modified.Outcome)}, {r.Impact} depend on it)"))}"
                + $"{(verdicts.Any(v => v.Verdict == Verdict.BlockedByRegression) ? $", blocking {verdicts.Count(v => v.Verdict == Verdict.BlockedByRegression)} more" : "")}. See {Path.Combine(ResultsDirectory, "report.md")}; set PkgBuildFailOnRegression=false to report without failing.");
        }
    }

    private static ITaskItem ToItem(PackageVerdict v)
    {
        var item = new TaskItem(v.Package);
        item.SetMetadata("Verdict", VerdictReport.Label(v.Verdict));
        item.SetMetadata("RootCause", v.RootCause ?? "");
        item.SetMetadata("Impact", v.Impact.ToString(CultureInfo.InvariantCulture));
        item.SetMetadata("Modified", HtmlReport.Label(v.Modified.Outcome));
        item.SetMetadata("Baseline", v.Baseline == null ? "" : HtmlReport.Label(v.Baseline.Outcome));
        item.SetMetadata("Confirmations", string.Join(";", v.Confirmations.Select(c => $"{HtmlReport.Label(c.Modified)}/{HtmlReport.Label(c.Baseline)}")));
        item.SetMetadata("DivergenceLine", v.Divergence?.Line.ToString(CultureInfo.InvariantCulture) ?? "");
        item.SetMetadata("Author", v.Author ?? "");
        return item;
    }

    private static ITaskItem ToItem(PackageResult r)
    {
        var item = new TaskItem(r.Package);
        item.SetMetadata("Result", HtmlReport.Label(r.Outcome));
        item.SetMetadata("Step", r.Step ?? "");
        item.SetMetadata("Seconds", r.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        item.SetMetadata("Guest", r.Guest ?? "");
        item.SetMetadata("BlockedBy", r.BlockedBy ?? "");
        item.SetMetadata("InstallLog", r.InstallLog ?? "");
        item.SetMetadata("DependencyLog", r.DependencyLog ?? "");
        item.SetMetadata("TestLog", r.TestLog ?? "");
        item.SetMetadata("Author", r.Author ?? "");
        item.SetMetadata("Finished", r.Finished.ToString("o", CultureInfo.InvariantCulture));
        return item;
    }

    private static IReadOnlyCollection<string> Names(ITaskItem[] items) => items.Select(i => i.ItemSpec.Trim()).Where(n => n.Length > 0).Distinct().ToList();

    private TimeSpan? Seconds(string text, string property) =>
        Number(text, property, 1, 7 * 24 * 3600) is { } s ? TimeSpan.FromSeconds(s) : null;

    private long? Number(string text, string property, long min, long max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new PkgBuildException(ErrorCodes.InvalidProperty, $"{property} '{text}' is not a whole number from {min} to {max}.", SourceLocation.InFile(ProjectFile));
        }
        return value;
    }
}
