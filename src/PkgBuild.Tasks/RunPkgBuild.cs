using System.Collections.Concurrent;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.State;
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
    /// <summary>The site's URL, as ServeSite gave it.</summary>
    public string SiteUrl { get; set; } = "";

    /// <summary>Every selected package's result, with its outcome and logs as metadata.</summary>
    [Output]
    public ITaskItem[] Results { get; set; } = [];

    /// <summary>With a baseline: every selected package's verdict, with both sides' results as metadata.</summary>
    [Output]
    public ITaskItem[] Verdicts { get; set; } = [];

    private readonly ConcurrentQueue<string> _progress = new();
    private readonly ConcurrentQueue<PkgBuildException> _warnings = new();

    protected override void ExecuteCore()
    {
        var engine = (IBuildEngine4)BuildEngine;
        if (engine.GetRegisteredTaskObject(RunPlan.Key(ProjectFile), RegisteredTaskObjectLifetime.Build) is not RunPlan plan)
        {
            throw new PkgBuildException(ErrorCodes.GuestNotReady, "RunPkgBuild found no plan (the _PkgBuildPlanRun target must run first).", SourceLocation.InFile(ProjectFile));
        }
        if (plan.LastRun is { } last)
        {
            Log.LogMessage(MessageImportance.High, "RunPkgBuild: nothing changed since the last build: its results are reported again, no guest started");
            Emit(last);
            return;
        }
        if (StartedGuests() is not var (pool, siteUrl))
        {
            return;
        }
        // The guests' warnings (readying their Racket, say) are this task's while it runs.
        pool.Warnings?.RouteTo(_warnings.Enqueue);
        RunSummary summary;
        try
        {
            summary = WaitWithProgress(RunAsync(pool, siteUrl, plan));
        }
        finally
        {
            pool.Warnings?.RouteTo(_ => { });
            Drain();
        }
        var report = RunReport.Of(summary, plan.ReportOptions);
        Emit(report);
        if (plan.Stamp != null && LastRun.Decided(summary))
        {
            LastRun.Write(plan.Settings.StateDirectory, plan.Stamp, report,
                ResultsLayout.Files(!plan.Settings.Baseline.IsNone).Concat(LastRun.Logs(summary, baselineRun: plan.Options.Baseline.IsRun)));
        }
    }

    /// <summary>Logs the report's lines and sets the output items.</summary>
    private void Emit(RunReport report)
    {
        foreach (var line in report.Lines)
        {
            switch (line.Kind)
            {
                case ReportLineKind.Error:
                    Log.LogError(null, line.Code, null, ProjectFile, 0, 0, 0, 0, line.Text);
                    break;
                case ReportLineKind.Warning:
                    Log.LogWarning(null, line.Code, null, ProjectFile, 0, 0, 0, 0, line.Text);
                    break;
                default:
                    Log.LogMessage(MessageImportance.High, "{0}", line.Text);
                    break;
            }
        }
        ITaskItem[] Items(string output) => report.Items.Where(i => i.Output == output).Select(i =>
        {
            var item = new TaskItem(i.Name);
            foreach (var (key, value) in i.Metadata)
            {
                item.SetMetadata(key, value);
            }
            return (ITaskItem)item;
        }).ToArray();
        Results = Items(RunReport.ResultsOutput);
        Verdicts = Items(RunReport.VerdictsOutput);
    }

    /// <summary>The guests StartVm started and the site's URL; null when StartVm did not start them (its errors are logged).</summary>
    private (GuestPool Pool, string SiteUrl)? StartedGuests()
    {
        var engine = (IBuildEngine4)BuildEngine;
        if (engine.GetRegisteredTaskObject(StartGuests.PoolKey(ProjectFile), RegisteredTaskObjectLifetime.Build) is not GuestPool pool)
        {
            Log.LogError(null, ErrorCodes.GuestNotReady, null, ProjectFile, 0, 0, 0, 0, "RunPkgBuild: StartVm did not start the guests (see its errors above); no package was built.");
            return null;
        }
        var server = engine.GetRegisteredTaskObject(ServeSite.ServerKey(ProjectFile), RegisteredTaskObjectLifetime.Build) as Pipeline.Site.SiteServer;
        var url = !string.IsNullOrWhiteSpace(SiteUrl) ? SiteUrl : server?.Url.AbsoluteUri
            ?? throw new PkgBuildException(ErrorCodes.GuestNotReady, "RunPkgBuild found no site server (ServeSite must run first).", SourceLocation.InFile(ProjectFile));
        return (pool, url);
    }

    private async Task<RunSummary> RunAsync(GuestPool pool, string siteUrl, RunPlan plan)
    {
        var (settings, installer, preinstalled, selection) = (plan.Settings, plan.Installer, plan.Preinstalled, plan.Selection);
        var guests = new List<RunGuest>();
        // Read once for all guests: the key reads the whole archive catalog.
        var extras = plan.ExtraPackages;
        var extrasKey = extras.Count > 0 ? ExtrasKey(settings.SiteDirectory, extras) : null;
        foreach (var machine in pool.Guests)
        {
            var site = await machine.ShareSiteAsync(settings.SiteDirectory, new Uri(siteUrl), CancellationToken).ConfigureAwait(false);
            var raco = "raco";
            if (!preinstalled)
            {
                _progress.Enqueue($"{machine.Spec.Name}: installing Racket from {Path.GetFileName(installer)} (once per installer)");
                raco = await machine.InstallRacketAsync(installer!, CancellationToken).ConfigureAwait(false);
            }
            else
            {
                await machine.UsePreinstalledRacketAsync("racket", CancellationToken).ConfigureAwait(false);
            }
            if (extras.Count > 0)
            {
                _progress.Enqueue($"{machine.Spec.Name}: installing the extra packages ({string.Join(", ", extras)}) into the Racket's installation scope (once per Racket and catalog entries)");
                await machine.InstallExtraPackagesAsync(raco, [.. extras], new Uri(site, "catalog/"), extrasKey!, CancellationToken).ConfigureAwait(false);
            }
            guests.Add(new RunGuest(machine, site, raco));
        }
        // Which Racket each guest runs (and that it runs at all), and the packages it already has, go into every package's key.
        var identities = new List<string>();
        var provided = new Dictionary<string, ProvidedPackage>(StringComparer.Ordinal);
        foreach (var guest in guests)
        {
            var racket = await RacketProbe.IdentifyAsync(guest, settings.StateDirectory, CancellationToken).ConfigureAwait(false);
            identities.Add(racket.Identity);
            foreach (var (package, checksum) in racket.Provided)
            {
                provided[package] = provided.TryGetValue(package, out var known)
                    ? known with { Guests = [.. known.Guests, guest.Name] }
                    : new ProvidedPackage(checksum, [guest.Name]);
            }
        }
        settings = settings with
        {
            RacketIdentity = string.Join(" | ", identities.Distinct()) + (preinstalled ? "" : " installer " + RacketInstall.DirectoryName(installer!)),
            ProvidedPackages = provided,
        };
        var run = new PkgBuildRun(settings, guests, _progress.Enqueue, warn: _warnings.Enqueue);
        return await run.RunAsync(selection, CancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the extra packages are: their names and the archive's entries for them and all they depend on.</summary>
    private static string ExtrasKey(string siteDirectory, IReadOnlyCollection<string> extras)
    {
        var catalog = PkgBuild.Racket.Catalogs.DirectoryCatalog.Read(Path.Combine(siteDirectory, "catalog"));
        var closure = PackageGraph.FromCatalog(catalog).Closure(extras);
        return Pipeline.IO.Sha256.Of(string.Join("\n", extras.Order(StringComparer.Ordinal).Concat(
            closure.Order(StringComparer.Ordinal).Select(p => $"{p} {catalog[p]?.Checksum} {catalog[p]?.Source}"))));
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
        while (_warnings.TryDequeue(out var warning))
        {
            LogWarning(warning);
        }
        while (_progress.TryDequeue(out var line))
        {
            Log.LogMessage(MessageImportance.High, "RunPkgBuild: {0}", line);
        }
    }
}
