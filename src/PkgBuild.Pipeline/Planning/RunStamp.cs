using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Pipeline.State;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Planning;

/// <summary>What a run's results came from, beyond the settings and selection: the rest of what a build is asked.</summary>
/// <param name="Code">The caller's own code (its assembly's id): its builds are deterministic, so the id changes only with the code.</param>
/// <param name="Guests">Each <c>PkgBuildGuest</c> item: its name and metadata as written.</param>
/// <param name="Report">What decides the errors a report given again carries (fail-on settings, the results directory).</param>
public sealed record RunStampInputs(string Code, RunSettings Settings, BaselineChoice Baseline, RunSelection Selection, string? Installer, bool Preinstalled,
    IReadOnlyCollection<string> ExtraPackages, IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Metadata)> Guests, string? EditsFile, string Report);

/// <summary>
/// The stamp of "nothing changed since the last complete run" (<see cref="LastRun"/>): everything a run's
/// results come from that can be known without starting a guest. Null when that cannot be known: a baseline
/// that has to be fetched, or a preinstalled Racket on a guest other than Local (only asking it would tell).
/// </summary>
public static class RunStamp
{
    public static string? Of(RunStampInputs inputs)
    {
        var (settings, selection) = (inputs.Settings, inputs.Selection);
        if (inputs.Baseline.IsRemote)
        {
            return null;
        }
        var parts = new List<string>
        {
            inputs.Code + " " + string.Join(" ", new[] { typeof(PkgBuildRun), typeof(ErrorCodes) }.Select(t => t.Assembly.ManifestModule.ModuleVersionId)),
            settings.ToString(),
            $"scope={selection.Scope} packages={string.Join(',', selection.Packages)} skip={string.Join(',', selection.Skip)} force={string.Join(',', selection.Force)} retry={selection.RetryFailed}",
            $"overridden={string.Join(',', selection.Overridden)} preinstalled={inputs.Preinstalled} installer={inputs.Installer} extra-packages={string.Join(',', inputs.ExtraPackages)}",
            inputs.Report,
        };
        foreach (var (name, metadata) in inputs.Guests)
        {
            parts.Add($"guest {name} {string.Join(";", metadata.Select(m => $"{m.Key}={m.Value}").Order(StringComparer.Ordinal))}");
            if (inputs.Preinstalled)
            {
                if (PreinstalledRacket(name, metadata) is not { } racket)
                {
                    return null;
                }
                parts.AddRange(racket);
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
        if (!string.IsNullOrWhiteSpace(inputs.EditsFile))
        {
            files.Add(Path.GetFullPath(inputs.EditsFile));
        }
        if (inputs.Installer != null)
        {
            files.Add(Path.GetFullPath(inputs.Installer));
        }
        if (inputs.Baseline.Summary != null)
        {
            files.Add(Path.GetFullPath(inputs.Baseline.Summary)); // as BaselineSummary reads it
        }
        return LastRun.Stamp(parts, files);
    }

    /// <summary>
    /// A Local guest's racket and raco as it would find them, isolated (what the sandbox hides is not there)
    /// or not, since which one it is is known only once it starts; null for any other guest, or a guest item
    /// StartVm will refuse (it names the problem).
    /// </summary>
    private static List<string>? PreinstalledRacket(string name, IReadOnlyDictionary<string, string> metadata)
    {
        GuestSpec spec;
        try
        {
            spec = GuestSpec.Parse(name, metadata);
        }
        catch (PkgBuildException)
        {
            return null;
        }
        if (spec.Kind != GuestKind.Local)
        {
            return null;
        }
        var path = spec.Env.TryGetValue("PATH", out var own) ? own : Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        var isolated = LocalIsolation.VisiblePath(path);
        return [.. new[] { ("racket", path), ("raco", path), ("racket", isolated), ("raco", isolated) }.Select(p =>
        {
            var file = Racket.InstalledRacket.OnPath(p.Item1, p.Item2);
            return $"{p.Item1} {file?.FullName} {file?.Length} {file?.LastWriteTimeUtc.Ticks}";
        })];
    }
}
