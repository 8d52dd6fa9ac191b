using System.Collections.Concurrent;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.State;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// RunPkgBuild: builds and tests the selected packages on the guests StartVm started, keeping every
/// result whose inputs did not change. One progress line per package; every result is also an output
/// item (<c>PkgBuildPackageResult</c>, with its outcome, step, time and logs as metadata), so the binlog
/// holds each as structured data. Under the terminal logger the lines go through
/// <see cref="TerminalLoggerLines"/>, which it shows as they come; the end is a warning when packages failed
/// (PKB0711), which every logger shows, and <c>pkgbuild -> report</c>, the project's output line.
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

    private readonly ConcurrentQueue<RunEvent> _events = new();

    private TerminalLoggerLines? _terminal;

    private ResultsLayout? _results;

    protected override void ExecuteCore()
    {
        _terminal = TerminalLoggerLines.For(BuildEngine, nameof(RunPkgBuild));
        var engine = (IBuildEngine4)BuildEngine;
        if (engine.GetRegisteredTaskObject(RunPlan.Key(ProjectFile), RegisteredTaskObjectLifetime.Build) is not RunPlan plan)
        {
            throw new PkgBuildException(ErrorCodes.GuestNotReady, "RunPkgBuild found no plan (the _PkgBuildPlanRun target must run first).", SourceLocation.InFile(ProjectFile));
        }
        _results = plan.Settings.Results;
        if (plan.LastRun is { } last)
        {
            Say("RunPkgBuild: nothing changed since the last build: its results are reported again, no guest started");
            Emit(last.GivenAgain(), plan.ReportOptions);
            return;
        }
        if (StartedGuests() is not var (pool, siteUrl))
        {
            return;
        }
        // The guests' warnings (readying their Racket, say) are this task's while it runs.
        pool.Warnings?.RouteTo(w => _events.Enqueue(new RunWarning(w)));
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
        Emit(report, plan.ReportOptions);
        if (plan.Stamp != null && LastRun.Decided(summary))
        {
            LastRun.Write(plan.Settings.StateDirectory, plan.Stamp, report,
                ResultsLayout.Files(!plan.Settings.Baseline.IsNone).Concat(LastRun.Logs(summary, baselineRun: plan.Options.Baseline.IsRun)));
        }
    }

    /// <summary>Logs the report's lines, then the project's output line, and sets the output items.</summary>
    private void Emit(RunReport report, RunReportOptions options)
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
                    Say(line.Text);
                    break;
            }
        }
        // "<project name> -> <path>", as a .NET project names what it built: the terminal logger puts the path
        // on the project's line (pkgbuild succeeded → results/report.html).
        Log.LogMessage(MessageImportance.High, "{0} -> {1}", Path.GetFileNameWithoutExtension(ProjectFile), options.Results.ReportHtml);
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
        var (guests, settings) = await GuestReadiness.ReadyAsync(pool.Guests, plan.Settings, new Uri(siteUrl), plan.Preinstalled ? null : plan.Installer,
            plan.ExtraPackages, _events.Enqueue, CancellationToken).ConfigureAwait(false);
        return await new PkgBuildRun(settings, guests, _events.Enqueue) { Header = plan.Header }.RunAsync(plan.Selection, CancellationToken).ConfigureAwait(false);
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
        while (_events.TryDequeue(out var e))
        {
            switch (e)
            {
                case RunWarning w:
                    LogWarning(w.Warning);
                    break;
                case PackageFinished f:
                    // A failed package's line names the log to open.
                    var log = ConsoleText.FailureLog(f.Result) is { } relative ? $"  log: {_results?.Resolve(relative) ?? relative}" : "";
                    Say($"RunPkgBuild: {f.Text}{log}");
                    var side = f.Side == RunSide.ModifiedName ? "" : $" ({f.Side})";
                    _terminal?.Status($"[{f.Done}/{f.Total}]", $"{f.Result.Package}{side}: {ConsoleText.Describe(f.Result)}",
                        f.Result.Outcome == PackageOutcome.Success, $"[{f.Done}/{f.Total}] {f.Result.Package}{side}");
                    break;
                default:
                    Say($"RunPkgBuild: {e.Text}");
                    break;
            }
        }
    }

    /// <summary>A line for a person: at once on the terminal logger, a high-importance message for every other logger.</summary>
    private void Say(string text)
    {
        if (_terminal != null)
        {
            _terminal.Line(text);
        }
        else
        {
            Log.LogMessage(MessageImportance.High, "{0}", text);
        }
    }
}
