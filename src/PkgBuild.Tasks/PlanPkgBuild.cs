using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Pipeline.State;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// The run's plan, before any guest starts: the settings and the selection as RunPkgBuild will use them,
/// and whether there is package work at all. When nothing the results depend on changed since a run that
/// decided every package, there is none: StartVm (and with it ServeSite) does not run, and RunPkgBuild
/// reports that run again.
/// </summary>
public sealed class PlanPkgBuild : PkgBuildTask
{
    [Required]
    public string SiteDirectory { get; set; } = "";

    /// <summary>The <c>PkgBuildGuest</c> items: with their Racket, part of what decides whether anything changed since the last run.</summary>
    public ITaskItem[] Guests { get; set; } = [];

    [Required]
    public string ResultsDirectory { get; set; } = "";

    [Required]
    public string StateDirectory { get; set; } = "";

    /// <summary>Where the run lists the files the binlog embeds (Sdk.targets reads it back).</summary>
    public string BinlogFilesList { get; set; } = "";

    public string[] InstallerFiles { get; set; } = [];

    /// <summary>catalog-edits.json: which packages the overrides changed (PkgBuildScope=Dependents starts there).</summary>
    public string EditsFile { get; set; } = "";

    /// <summary>The run's properties (<c>_PkgBuildRunSetting</c>: the name, and its value as <c>Value</c>), as the settings check parsed them.</summary>
    public ITaskItem[] Settings { get; set; } = [];

    public ITaskItem[] Packages { get; set; } = [];

    /// <summary><c>PkgBuildExtraPackages</c>: installed into the guests' installation scope before any package (pkg-build's <c>#:extra-packages</c>).</summary>
    public ITaskItem[] ExtraPackages { get; set; } = [];

    /// <summary>The <c>PkgBuildOverride</c> items: where each was written, for errors about the packages they changed.</summary>
    public ITaskItem[] Overrides { get; set; } = [];

    public ITaskItem[] Skip { get; set; } = [];

    public ITaskItem[] Force { get; set; } = [];

    public bool RetryFailed { get; set; }

    public bool RunTests { get; set; }

    public bool OneProcessPerPackage { get; set; }

    public bool FailOnPackageFailure { get; set; }

    /// <summary>The edited catalog: every package, those the archive could not fetch included.</summary>
    public string EditedCatalogDirectory { get; set; } = "";

    public bool FailOnRegression { get; set; }

    /// <summary>The <c>PkgBuildSourceCatalog</c> items, for the reports' header.</summary>
    public ITaskItem[] SourceCatalogs { get; set; } = [];

    /// <summary>The copy of the source catalogs: its <c>pkgs-all</c>'s time is when it was last made or found current.</summary>
    public string CatalogDirectory { get; set; } = "";

    /// <summary>False when the last complete run's results stand as they are: StartVm is not needed.</summary>
    [Output]
    public bool HasPackageWork { get; set; }

    protected override void ExecuteCore()
    {
        // The newest: a site keeps the installers of earlier builds beside the one just made.
        var installer = InstallerFiles.Where(f => !string.IsNullOrWhiteSpace(f) && File.Exists(f)).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        var options = RunOptions.Parse(TaskItems.RunSettingValues(Settings), _ => SourceLocation.InFile(ProjectFile));
        var preinstalled = options.UsesPreinstalled;
        if (!preinstalled && installer == null)
        {
            throw RunOptions.RacketNotChosen(SourceLocation.InFile(ProjectFile));
        }
        var settings = new RunSettings
        {
            Results = new ResultsLayout(ResultsDirectory),
            StateDirectory = Path.GetFullPath(StateDirectory),
            BinlogFilesList = string.IsNullOrEmpty(BinlogFilesList) ? null : Path.GetFullPath(BinlogFilesList),
            SiteDirectory = Path.GetFullPath(SiteDirectory),
            RacketIdentity = "", // asked of the guests when the run starts
            EditedCatalogDirectory = string.IsNullOrEmpty(EditedCatalogDirectory) ? null : Path.GetFullPath(EditedCatalogDirectory),
            Baseline = options.Baseline,
            ConfirmRuns = options.ConfirmRuns,
            RunTests = RunTests,
            OneProcessPerPackage = OneProcessPerPackage,
            InstallTimeout = options.InstallTimeout,
            TestTimeout = options.TestTimeout,
            SilenceTimeout = options.SilenceTimeout,
            MaxLogBytes = options.MaxLogBytes,
            InfrastructureRetries = options.InfrastructureRetries,
            Jobs = options.Jobs,
        };
        var items = Packages.Concat(Skip).Concat(Force).ToList();
        var selection = new RunSelection
        {
            Scope = options.Scope,
            Packages = TaskItems.Names(Packages),
            Skip = TaskItems.Names(Skip),
            Force = TaskItems.Names(Force),
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

        // Nothing changed since a run that decided every package: RunPkgBuild reports it again, and no guest starts.
        var stamp = RunStamp.Of(new RunStampInputs(typeof(PlanPkgBuild).Assembly.ManifestModule.ModuleVersionId.ToString(), settings, options.Baseline, selection,
            installer, preinstalled, TaskItems.Names(ExtraPackages), [.. Guests.Select(g => (g.ItemSpec, TaskItems.CustomMetadata(g)))], EditsFile,
            $"fail-on-package-failure={FailOnPackageFailure} fail-on-regression={FailOnRegression} results={ResultsDirectory}"));
        var last = stamp != null && !RetryFailed && selection.Force.Count == 0 ? LastRun.TryRead(settings.StateDirectory, settings.Results, stamp) : null;
        if (last == null)
        {
            LastRun.Forget(settings.StateDirectory);
        }
        var plan = new RunPlan(settings, options, selection, installer, preinstalled, TaskItems.Names(ExtraPackages), stamp, last,
            new RunReportOptions(settings.Results, settings.Baseline, FailOnPackageFailure, FailOnRegression),
            last == null ? Header(preinstalled ? null : installer) : null);
        ((IBuildEngine4)BuildEngine).RegisterTaskObject(RunPlan.Key(ProjectFile), plan, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        HasPackageWork = last == null;
    }

    /// <summary>
    /// What the reports say was tested. Made only when there is package work: the installer is hashed once, for
    /// a run that writes reports.
    /// </summary>
    private RunHeader Header(string? installer)
    {
        var sha256 = installer == null ? null : Pipeline.IO.Sha256.OfFile(installer);
        var copy = Path.Combine(CatalogDirectory, Racket.Catalogs.DirectoryCatalog.AllFile);
        return new RunHeader
        {
            Overrides = RunHeader.ReadOverrides(EditsFile),
            Racket = new TestedRacket(installer == null ? null : Path.GetFileName(installer), sha256),
            Catalogs = SourceCatalogs.Select(c => c.ItemSpec).ToList(),
            CatalogsCopied = !string.IsNullOrEmpty(CatalogDirectory) && File.Exists(copy) ? new DateTimeOffset(File.GetLastWriteTimeUtc(copy), TimeSpan.Zero) : null,
            Guests = Guests.Select(Guest).ToList(),
            Date = DateTimeOffset.UtcNow,
        };

        static TestedGuest Guest(ITaskItem item)
        {
            try
            {
                var spec = GuestSpec.Parse(item.ItemSpec, TaskItems.CustomMetadata(item));
                return new TestedGuest(spec.Name, spec.Kind.ToString(), spec.Host ?? spec.Image ?? spec.VmName);
            }
            catch (PkgBuildException)
            {
                return new TestedGuest(item.ItemSpec, item.GetMetadata("Kind"), null); // StartVm names the problem
            }
        }
    }

}

/// <summary>What PlanPkgBuild decided, handed to RunPkgBuild in the same build (as StartVm hands it the guests).</summary>
internal sealed record RunPlan(RunSettings Settings, RunOptions Options, RunSelection Selection, string? Installer, bool Preinstalled,
    IReadOnlyCollection<string> ExtraPackages, string? Stamp, RunReport? LastRun, RunReportOptions ReportOptions, RunHeader? Header = null)
{
    public static string Key(string projectFile) => "PkgBuild.RunPlan|" + projectFile;
}
