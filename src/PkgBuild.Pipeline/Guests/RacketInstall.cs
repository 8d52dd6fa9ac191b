using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// Racket installed from an installer (<c>sh &lt;installer&gt; --in-place --dest &lt;dir&gt;</c>), once per
/// installer: the directory is named by the installer's checksum and marked complete last, so an
/// interrupted install is redone and a new installer gets a new directory. This is pkg-build's
/// <c>installed</c> snapshot for guests that share this machine's files (Local, Container, and Slurm in its
/// SharedDir): each session sees it writable over a layer of its own, and the directory itself is never
/// written, so no package can change the Racket the next one runs. Builds that share the parent directory
/// (several on one Slurm cluster) install one at a time: the one that waited finds the install complete.
/// </summary>
public static class RacketInstall
{
    public const string CompleteMarker = ".pkgbuild-installed";

    /// <summary>The installation directory's name for an installer: its checksum, shortened.</summary>
    public static string DirectoryName(string installerFile) => "racket-" + Sha256.OfFile(installerFile)[..16];

    /// <summary>Installs into <paramref name="parent"/> on this machine unless already there; returns the installation directory.</summary>
    public static async Task<string> OnThisMachineAsync(string installerFile, string parent, GuestSpec guest, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetFullPath(parent), DirectoryName(installerFile));
        if (File.Exists(Path.Combine(directory, CompleteMarker)))
        {
            return directory;
        }
        Directory.CreateDirectory(parent);
        await using var installing = await LockAsync(directory + ".lock", cancellationToken).ConfigureAwait(false);
        if (File.Exists(Path.Combine(directory, CompleteMarker)))
        {
            return directory; // installed by the build this one waited for
        }
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true); // an install that did not finish
        }
        var result = await ChildProcess.RunAsync("/bin/sh", [Path.GetFullPath(installerFile), "--in-place", "--dest", directory],
            new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(20), WorkingDirectory = parent }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded || !File.Exists(Path.Combine(directory, "bin", "raco")))
        {
            throw new PkgBuildException(ErrorCodes.RacketInstallFailed,
                $"PkgBuildGuest '{guest.Name}': `sh {Path.GetFileName(installerFile)} --in-place --dest {directory}` {(result.TimedOut ? "timed out" : $"failed (exit {result.ExitCode})")}"
                + $"{(result.Succeeded ? " without making bin/raco" : "")}: {Tail(result.Output)}", guest.Location);
        }
        File.WriteAllText(Path.Combine(directory, CompleteMarker), Path.GetFileName(installerFile) + "\n");
        return directory;
    }

    /// <summary>
    /// Holds <paramref name="path"/> locked (an advisory lock, which .NET takes for <see cref="FileShare.None"/>),
    /// waiting while another process holds it; the lock goes with the process, however it ends.
    /// </summary>
    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static string Tail(string output)
    {
        var lines = output.Trim().Split('\n');
        return string.Join(" / ", lines.Skip(Math.Max(0, lines.Length - 3)));
    }
}
