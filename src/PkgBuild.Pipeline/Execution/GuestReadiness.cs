using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Racket.Catalogs;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// Readies started guests for a run: each gets the site, its Racket (installed from the installer once per
/// installer, or the preinstalled one made pristine in each session) and the extra packages; then each
/// Racket is asked what it is and what it has, which goes into every package's key.
/// </summary>
public static class GuestReadiness
{
    /// <returns>The guests as the run uses them, and <paramref name="settings"/> with the Racket's identity and the packages it provides.</returns>
    public static async Task<(IReadOnlyList<RunGuest> Guests, RunSettings Settings)> ReadyAsync(IReadOnlyList<IGuestMachine> machines, RunSettings settings,
        Uri siteUrl, string? installer, IReadOnlyCollection<string> extras, Action<RunEvent> events, CancellationToken cancellationToken)
    {
        var guests = new List<RunGuest>();
        // Read once for all guests: the key reads the whole archive catalog.
        var extrasKey = extras.Count > 0 ? ExtrasKey(settings.SiteDirectory, extras) : null;
        foreach (var machine in machines)
        {
            var site = await machine.ShareSiteAsync(settings.SiteDirectory, siteUrl, cancellationToken).ConfigureAwait(false);
            var raco = "raco";
            if (installer != null)
            {
                events(new RunMessage($"{machine.Spec.Name}: installing Racket from {Path.GetFileName(installer)} (once per installer)"));
                raco = await machine.InstallRacketAsync(installer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await machine.UsePreinstalledRacketAsync("racket", cancellationToken).ConfigureAwait(false);
            }
            if (extras.Count > 0)
            {
                events(new RunMessage($"{machine.Spec.Name}: installing the extra packages ({string.Join(", ", extras)}) into the Racket's installation scope (once per Racket and catalog entries)"));
                await machine.InstallExtraPackagesAsync(raco, [.. extras], new Uri(site, "catalog/"), extrasKey!, cancellationToken).ConfigureAwait(false);
            }
            guests.Add(new RunGuest(machine, site, raco));
        }
        var identities = new List<string>();
        var provided = new Dictionary<string, ProvidedPackage>(StringComparer.Ordinal);
        foreach (var guest in guests)
        {
            var racket = await RacketProbe.IdentifyAsync(guest, settings.StateDirectory, cancellationToken).ConfigureAwait(false);
            // Said only now: a guest is ready once its racket and raco have run in a fresh session.
            events(new RunMessage($"{guest.Name} is ready: its racket and raco run"));
            identities.Add(racket.Identity);
            foreach (var (package, checksum) in racket.Provided)
            {
                provided[package] = provided.TryGetValue(package, out var known)
                    ? known with { Guests = [.. known.Guests, guest.Name] }
                    : new ProvidedPackage(checksum, [guest.Name]);
            }
        }
        return (guests, settings with
        {
            RacketIdentity = string.Join(" | ", identities.Distinct()) + (installer == null ? "" : " installer " + RacketInstall.DirectoryName(installer)),
            ProvidedPackages = provided,
        });
    }

    /// <summary>What the extra packages are: their names and the archive's entries for them and all they depend on.</summary>
    private static string ExtrasKey(string siteDirectory, IReadOnlyCollection<string> extras)
    {
        var catalog = DirectoryCatalog.Read(Path.Combine(siteDirectory, "catalog"));
        var closure = PackageGraph.FromCatalog(catalog).Closure(extras);
        return IO.Sha256.Of(string.Join("\n", extras.Order(StringComparer.Ordinal).Concat(
            closure.Order(StringComparer.Ordinal).Select(p => $"{p} {catalog[p]?.Checksum} {catalog[p]?.Source}"))));
    }
}
