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

    /// <summary>The site's URL when ServeSite already ran in this build; otherwise RunPkgBuild starts it (with StartVm) when it has packages to build.</summary>
    public string SiteUrl { get; set; } = "";

    /// <summary>The <c>PkgBuildGuest</c> items: with their Racket, part of what decides whether anything changed since the last run.</summary>
    public ITaskItem[] Guests { get; set; } = [];

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

    /// <summary><c>PkgBuildExtraPackages</c>: installed into the guests' installation scope before any package (pkg-build's <c>#:extra-packages</c>).</summary>
    public ITaskItem[] ExtraPackages { get; set; } = [];

    /// <summary>The <c>PkgBuildOverride</c> items: where each was written, for errors about the packages they changed.</summary>
    public ITaskItem[] Overrides { get; set; } = [];

    public ITaskItem[] Skip { get; set; } = [];

    public ITaskItem[] Force { get; set; } = [];

    public bool RetryFailed { get; set; }

    public bool RunTests { get; set; } = true;

    public bool OneProcessPerPackage { get; set; } = true;

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
    private readonly ConcurrentQueue<PkgBuildException> _warnings = new();

    protected override void ExecuteCore()
    {
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
            OneProcessPerPackage = OneProcessPerPackage,
            InstallTimeout = Seconds(InstallTimeout, "PkgBuildInstallTimeout") ?? TimeSpan.FromMinutes(10),
            TestTimeout = Seconds(TestTimeout, "PkgBuildTestTimeout") ?? TimeSpan.FromMinutes(10),
            SilenceTimeout = SilenceTimeout.Trim() == "0" ? null : Seconds(SilenceTimeout, "PkgBuildSilenceTimeout") ?? TimeSpan.FromMinutes(5),
            MaxLogBytes = Number(MaxLogSize, "PkgBuildMaxLogSize", 1024, long.MaxValue) ?? 10L << 20,
            InfrastructureRetries = (int)(Number(InfraRetries, "PkgBuildInfraRetries", 0, 10) ?? 2),
            Jobs = (int?)Number(Jobs, "PkgBuildJobs", 1, 256),
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
            LocateOverride = package =>
            {
                var name = EditReport.OverrideOf(EditsFile).GetValueOrDefault(package) ?? package;
                return (name, Overrides.FirstOrDefault(i => i.ItemSpec == name) is { } item ? ItemLocation.Of(item, "PkgBuildOverride") : SourceLocation.InFile(ProjectFile));
            },
        };

        // Nothing changed since a run that decided every package: report it again, starting nothing.
        var stamp = Stamp(settings, selection, installer, preinstalled);
        if (stamp != null && !RetryFailed && selection.Force.Count == 0 && LastRun.TryRead(settings.StateDirectory, settings.ResultsDirectory, stamp) is { } last)
        {
            Log.LogMessage(MessageImportance.High, "RunPkgBuild: nothing changed since the last build: its results are reported again, no guest started");
            Emit(last);
            return;
        }
        LastRun.Forget(settings.StateDirectory);
        if (StartedGuests() is not var (pool, siteUrl))
        {
            return;
        }
        // The guests' warnings (readying their Racket, say) are this task's while it runs.
        pool.Warnings?.RouteTo(_warnings.Enqueue);
        RunSummary summary;
        try
        {
            summary = WaitWithProgress(RunAsync(pool, siteUrl, settings, installer, preinstalled, selection));
        }
        finally
        {
            pool.Warnings?.RouteTo(_ => { });
            Drain();
        }
        var report = RunReport.Of(summary, new RunReportOptions(ResultsDirectory, settings.Baseline, FailOnPackageFailure, FailOnRegression));
        Emit(report);
        if (stamp != null && LastRun.Decided(summary))
        {
            LastRun.Write(settings.StateDirectory, stamp, report,
                PackageRun.ResultFiles(settings.Baseline != null).Concat(LastRun.Logs(summary, baselineRun: settings.Baseline is { } b && string.Equals(b, "Run", StringComparison.OrdinalIgnoreCase))));
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

    /// <summary>
    /// The guests and the site's URL: StartVm (and so ServeSite) is built here, only when packages are to
    /// be built, unless an earlier target of this build already started them. Null when they did not start
    /// (their errors are logged).
    /// </summary>
    private (GuestPool Pool, string SiteUrl)? StartedGuests()
    {
        var engine = (IBuildEngine4)BuildEngine;
        if (engine.GetRegisteredTaskObject(StartGuests.PoolKey(ProjectFile), RegisteredTaskObjectLifetime.Build) is not GuestPool
            && !BuildEngine.BuildProjectFile(null, ["StartVm"], null, null) /* null: this project, as CallTarget does */)
        {
            Log.LogError(null, ErrorCodes.GuestNotReady, null, ProjectFile, 0, 0, 0, 0, "RunPkgBuild: StartVm failed (see its errors above); no package was built.");
            return null;
        }
        if (engine.GetRegisteredTaskObject(StartGuests.PoolKey(ProjectFile), RegisteredTaskObjectLifetime.Build) is not GuestPool pool)
        {
            throw new PkgBuildException(ErrorCodes.GuestNotReady, "RunPkgBuild found no started guests after StartVm.", SourceLocation.InFile(ProjectFile));
        }
        var server = engine.GetRegisteredTaskObject(ServeSite.ServerKey(ProjectFile), RegisteredTaskObjectLifetime.Build) as Pipeline.Site.SiteServer;
        var url = !string.IsNullOrWhiteSpace(SiteUrl) ? SiteUrl : server?.Url.AbsoluteUri
            ?? throw new PkgBuildException(ErrorCodes.GuestNotReady, "RunPkgBuild found no site server after StartVm (ServeSite must run first).", SourceLocation.InFile(ProjectFile));
        return (pool, url);
    }

    /// <summary>
    /// Everything the results depend on besides the journal: the settings, the selection, the guests, their
    /// Racket and the files earlier steps wrote. Null when one of them can only be known by asking (a
    /// Preinstalled Racket on another machine, a baseline URL): such a build always runs.
    /// </summary>
    private string? Stamp(RunSettings settings, RunSelection selection, string? installer, bool preinstalled)
    {
        var baselineFile = settings.Baseline is { } b && !string.Equals(b, "Run", StringComparison.OrdinalIgnoreCase) ? b : null;
        if (baselineFile != null && new[] { "http:", "https:", "file:" }.Any(scheme => baselineFile.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        var parts = new List<string>
        {
            // Our code: builds are deterministic, so each assembly's own id changes only with its code.
            string.Join(" ", new[] { typeof(RunPkgBuild), typeof(PackageRun), typeof(Racket.Diagnostics.ErrorCodes) }.Select(t => t.Assembly.ManifestModule.ModuleVersionId)),
            settings.ToString(),
            $"scope={selection.Scope} packages={string.Join(',', selection.Packages)} skip={string.Join(',', selection.Skip)} force={string.Join(',', selection.Force)} retry={selection.RetryFailed}",
            $"overridden={string.Join(',', selection.Overridden)} preinstalled={preinstalled} installer={installer} extra-packages={string.Join(',', Names(ExtraPackages))}",
            // The report given again carries the errors these decide.
            $"fail-on-package-failure={FailOnPackageFailure} fail-on-regression={FailOnRegression} results={ResultsDirectory}",
        };
        foreach (var item in Guests)
        {
            var metadata = CustomMetadata(item);
            parts.Add($"guest {item.ItemSpec} {string.Join(";", metadata.Select(m => $"{m.Key}={m.Value}").Order(StringComparer.Ordinal))}");
            if (preinstalled)
            {
                // Only a Local guest's Racket is known without asking it: this machine's files.
                GuestSpec spec;
                try
                {
                    spec = GuestSpec.Parse(item.ItemSpec, metadata);
                }
                catch (PkgBuildException)
                {
                    return null; // StartVm names the problem
                }
                if (spec.Kind != GuestKind.Local)
                {
                    return null;
                }
                // As the guest would find them, isolated (what the sandbox hides is not there) or not: which one it
                // is is known only once it starts.
                var path = spec.Env.TryGetValue("PATH", out var own) ? own : Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
                var isolated = LocalIsolation.VisiblePath(path);
                foreach (var (program, search) in new[] { ("racket", path), ("raco", path), ("racket", isolated), ("raco", isolated) })
                {
                    var file = Pipeline.Racket.InstalledRacket.OnPath(program, search);
                    parts.Add($"{program} {file?.FullName} {file?.Length} {file?.LastWriteTimeUtc.Ticks}");
                }
            }
        }
        var files = new List<string>
        {
            Path.Combine(settings.SiteDirectory, "catalog", "pkgs-all"),
            Path.Combine(settings.SiteDirectory, "baseline", "catalog", "pkgs-all"),
        };
        if (settings.EditedCatalogDirectory != null)
        {
            files.Add(Path.Combine(settings.EditedCatalogDirectory, "pkgs-all"));
        }
        if (!string.IsNullOrWhiteSpace(EditsFile))
        {
            files.Add(Path.GetFullPath(EditsFile));
        }
        if (installer != null)
        {
            files.Add(Path.GetFullPath(installer));
        }
        if (baselineFile != null)
        {
            files.Add(Path.GetFullPath(baselineFile)); // as BaselineSummary reads it
        }
        return LastRun.Stamp(parts, files);
    }

    private async Task<RunSummary> RunAsync(GuestPool pool, string siteUrl, RunSettings settings, string? installer, bool preinstalled, RunSelection selection)
    {
        var guests = new List<RunGuest>();
        // Read once for all guests: the key reads the whole archive catalog.
        var extras = Names(ExtraPackages);
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
        var run = new PackageRun(settings, guests, _progress.Enqueue);
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

    private static Dictionary<string, string> CustomMetadata(ITaskItem item)
    {
        var all = item.CloneCustomMetadata();
        return all.Keys.Cast<string>().ToDictionary(k => k, k => all[k] as string ?? "", StringComparer.OrdinalIgnoreCase);
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
