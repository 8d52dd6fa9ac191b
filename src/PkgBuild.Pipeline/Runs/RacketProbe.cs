using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Runs;

/// <summary>
/// Asks a guest, in a fresh session, which Racket its packages will run: its version and virtual machine,
/// and that <c>raco</c> runs at all there, before any package is tried (a Racket that cannot start would
/// otherwise make every package an install failure). The answer, with the guest's kind, <c>Env</c> and
/// image, goes into every package's key: a different Racket redoes everything.
/// </summary>
public static class RacketProbe
{
    /// <summary>
    /// The identity, asked of the guest only when what it runs may have changed: for a Local guest, whose
    /// racket and raco are this machine's files, the answer is kept in <paramref name="cacheDirectory"/> with
    /// their paths, sizes and times and reused while those stay the same (a no-op build then starts no
    /// Racket); other kinds are asked every time.
    /// </summary>
    public static async Task<string> IdentifyAsync(RunGuest guest, string cacheDirectory, CancellationToken cancellationToken)
    {
        var files = guest.Machine is LocalGuestMachine ? HostFiles(guest) : null;
        var cache = Path.Combine(cacheDirectory, $"racket-{guest.Name}.txt");
        var spec = guest.Machine.Spec;
        var fingerprint = files == null ? null : string.Join("\n", files.Select(f => $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks}"))
            + $"\n{spec.Kind} {string.Join(";", spec.Env.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))}";
        if (fingerprint != null && File.Exists(cache) && File.ReadAllText(cache).Split("\n--\n") is [var known, var identity] && known == fingerprint)
        {
            return identity;
        }
        var asked = await IdentifyAsync(guest, cancellationToken).ConfigureAwait(false);
        if (fingerprint != null)
        {
            IO.AtomicFile.WriteAllText(cache, fingerprint + "\n--\n" + asked);
        }
        return asked;
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

    private static async Task<string> IdentifyAsync(RunGuest guest, CancellationToken cancellationToken)
    {
        await using var session = await guest.Machine.OpenSessionAsync("racket-probe", cancellationToken).ConfigureAwait(false);
        var racket = guest.Racket;
        var version = await session.RunAsync(new GuestCommand(racket, "-l", "racket/base", "-e", "(printf \"~a ~a\" (version) (system-type 'vm))"),
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
        return $"{spec.Kind} racket {version.Output.Trim()} raco {guest.Raco} image {spec.Image} env {string.Join(";", spec.Env.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))}";
    }

    private static string Brief(string output)
    {
        var text = output.Trim().ReplaceLineEndings(" / ");
        return text.Length > 400 ? text[..400] + "…" : text;
    }
}
