using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Planning;

/// <summary>
/// What a guest's Racket is: <paramref name="Identity"/> (version, virtual machine, kind, <c>Env</c>, image,
/// and the packages below) goes into every package's key; <paramref name="Provided"/> holds the packages it
/// has in installation scope, each with its checksum (empty when it has none), which pkg-build takes as
/// given: never built, never a blocker.
/// </summary>
public sealed record GuestRacket(string Identity, IReadOnlyDictionary<string, string> Provided);

/// <summary>
/// Asks a guest, in a fresh session, which Racket its packages will run: its version and virtual machine,
/// its installation's packages (read through Racket's own package library), and that <c>raco</c> runs at
/// all there, before any package is tried (a Racket that cannot start would otherwise make every package
/// an install failure). A different answer redoes everything.
/// </summary>
public static class RacketProbe
{
    private const string PackagesMarker = "--pkgbuild-installation-packages--";

    /// <summary>
    /// The version and VM, then each installation-scope package and its checksum on a line that starts with
    /// the marker: only those lines are read as packages, so nothing else the guest prints becomes one.
    /// </summary>
    private const string Program =
        "(printf \"~a ~a\\n\" (version) (system-type 'vm))"
        + " (for ([(name info) (in-hash (installed-pkg-table #:scope 'installation))]) (printf \"" + PackagesMarker + " ~a ~a\\n\" name (or (pkg-info-checksum info) \"\")))"
        + " (printf \"" + PackagesMarker + "\\n\")";

    /// <summary>
    /// The identity, asked of the guest only when what it runs may have changed: for a Local guest, whose
    /// racket and raco are this machine's files, the answer is kept in <paramref name="cacheDirectory"/> with
    /// their paths, sizes and times and reused while those stay the same (a no-op build then starts no
    /// Racket); other kinds are asked every time.
    /// </summary>
    public static async Task<GuestRacket> IdentifyAsync(RunGuest guest, string cacheDirectory, CancellationToken cancellationToken)
    {
        var files = guest.Machine is LocalGuestMachine ? HostFiles(guest) : null;
        var cache = Path.Combine(cacheDirectory, $"racket-{guest.Name}.txt");
        var spec = guest.Machine.Spec;
        // The installation's layers too: an installation's packages can change without its racket changing.
        var layers = guest.Machine is LocalGuestMachine local ? local.InstallationFingerprint : "";
        var fingerprint = files == null ? null : string.Join("\n", files.Select(f => $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks}"))
            + $"\n{spec.Kind} {string.Join(";", spec.Env.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))}\n{layers} v2";
        if (fingerprint != null && File.Exists(cache) && File.ReadAllText(cache).Split("\n--\n") is [var known, var identity, var packages] && known == fingerprint)
        {
            return new GuestRacket(identity, ParsePackages(packages.Split('\n')));
        }
        var asked = await IdentifyAsync(guest, cancellationToken).ConfigureAwait(false);
        if (fingerprint != null)
        {
            IO.AtomicFile.WriteAllText(cache, fingerprint + "\n--\n" + asked.Identity + "\n--\n" + FormatPackages(asked.Provided));
        }
        return asked;
    }

    private static string FormatPackages(IReadOnlyDictionary<string, string> packages) =>
        string.Join("\n", packages.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));

    private static Dictionary<string, string> ParsePackages(IEnumerable<string> lines)
    {
        var packages = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            var space = line.IndexOf(' ');
            var name = space < 0 ? line : line[..space];
            // A name Racket would not take (the output is the guest's) is not a package we could match.
            if (PkgBuild.Racket.Sources.PackageName.IsValid(name))
            {
                packages[name] = space < 0 ? "" : line[(space + 1)..];
            }
        }
        return packages;
    }

    /// <summary>
    /// The racket and raco a Local guest runs, resolved as its PATH resolves them (its Env's PATH, else this
    /// build's; in the sandbox, what <see cref="LocalIsolation.HiddenDirectories"/> covers is not there), links followed;
    /// null when one is not found.
    /// </summary>
    private static IReadOnlyList<FileInfo>? HostFiles(RunGuest guest)
    {
        var local = (LocalGuestMachine)guest.Machine;
        var path = guest.Machine.Spec.Env.TryGetValue("PATH", out var own) ? own : Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        var search = local.Isolated ? LocalIsolation.VisiblePath(path) : path;
        FileInfo? Find(string program) => program.Contains('/')
            ? new FileInfo(program) is { Exists: true } file ? file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file : null
            : Racket.InstalledRacket.OnPath(program, search);
        var raco = Find(guest.Raco);
        var racket = Find(guest.Racket);
        return raco == null || racket == null ? null : [racket, raco];
    }

    private static async Task<GuestRacket> IdentifyAsync(RunGuest guest, CancellationToken cancellationToken)
    {
        await using var session = await guest.Machine.OpenSessionAsync("racket-probe", cancellationToken).ConfigureAwait(false);
        var racket = guest.Racket;
        var version = await session.RunAsync(new GuestCommand(racket, "-l", "racket/base", "-l", "pkg/lib", "-e", Program),
            new GuestRunOptions { Timeout = TimeSpan.FromMinutes(2) }, cancellationToken).ConfigureAwait(false);
        var raco = await session.RunAsync(new GuestCommand(guest.Raco, "pkg", "install", "--help"),
            new GuestRunOptions { Timeout = TimeSpan.FromMinutes(2) }, cancellationToken).ConfigureAwait(false);
        if (!version.Succeeded || !raco.Succeeded)
        {
            var failed = version.Succeeded ? raco : version;
            throw new PkgBuildException(ErrorCodes.GuestRacketUnusable,
                $"PkgBuildGuest '{guest.Name}': {(version.Succeeded ? guest.Raco : racket)} does not run in a fresh session of the guest (exit {failed.ExitCode}): "
                + $"{Brief(failed.Output)}. With PkgBuildRacket=Preinstalled the guest's own racket and raco must be on its PATH (a Local guest sees this machine's "
                + "system directories, not /home or /root); otherwise the installer's must work there.", guest.Machine.Spec.Location);
        }
        var spec = guest.Machine.Spec;
        var lines = version.Output.ReplaceLineEndings("\n").Split('\n');
        if (!lines.Any(l => l == PackagesMarker))
        {
            throw new PkgBuildException(ErrorCodes.GuestRacketUnusable,
                $"PkgBuildGuest '{guest.Name}': {racket} did not list its installation's packages: {Brief(version.Output)}", spec.Location);
        }
        var provided = ParsePackages(lines.Where(l => l.StartsWith(PackagesMarker + " ", StringComparison.Ordinal)).Select(l => l[(PackagesMarker.Length + 1)..]));
        var versionLine = lines.FirstOrDefault(l => l.Length > 0 && !l.StartsWith(PackagesMarker, StringComparison.Ordinal)) ?? "";
        var packagesKey = IO.Sha256.Of(FormatPackages(provided))[..16];
        return new GuestRacket(
            $"{spec.Kind} racket {versionLine.Trim()} raco {guest.Raco} image {spec.Image} env {string.Join(";", spec.Env.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))} installation-packages {provided.Count} {packagesKey}",
            provided);
    }

    private static string Brief(string output)
    {
        var text = output.Trim().ReplaceLineEndings(" / ");
        return text.Length > 400 ? text[..400] + "…" : text;
    }
}
