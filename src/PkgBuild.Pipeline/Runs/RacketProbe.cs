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
    public static async Task<string> IdentifyAsync(RunGuest guest, CancellationToken cancellationToken)
    {
        await using var session = await guest.Machine.OpenSessionAsync("racket-probe", cancellationToken).ConfigureAwait(false);
        var racket = guest.Raco == "raco" ? "racket" : guest.Raco[..^"raco".Length] + "racket";
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
