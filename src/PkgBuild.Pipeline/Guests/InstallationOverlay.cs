using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One directory of the Racket installation as every Local session sees it: an overlay of
/// <paramref name="Lowers"/> (first is on top) mounted at <paramref name="Target"/>, with an upper layer of
/// the session's own. This is pkg-build's snapshot restore: each package finds the installation pristine
/// and writable, and what it writes there (shared files, <c>compiled/</c>, info caches) goes when its
/// session does. The installation itself is never written.
/// </summary>
public sealed record InstallationMount(string Target, IReadOnlyList<string> Lowers);

/// <summary>
/// How a Local sandbox mounts <see cref="InstallationMount"/>s: as root, in a private mount namespace made
/// just for the command (so the mounts end with its last process and never reach this machine), before
/// dropping to the sandbox user. bubblewrap 0.8 cannot mount an overlay itself.
/// </summary>
public static class InstallationOverlay
{
    /// <summary>Inside a session: the upper and work directories of each mount, hidden from the package.</summary>
    public const string SessionDirectoryName = ".installation";

    /// <summary>The mount table a session's commands mount, in its hidden directory.</summary>
    public const string TableName = "fstab";

    /// <summary>Next to the table when the layers are node-local: the script that makes them on the node first.</summary>
    public const string PrepareName = "prepare";

    // One `mount -a` for all the mounts: a mount process each cost more than the rest of a session. Node-local
    // layers are made first, on the node the command runs on (the table's directory is root's alone).
    private const string MountScript = "p=${1%/*}/" + PrepareName + "; if [ -f \"$p\" ]; then . \"$p\" || exit 125; fi; mount -a -T \"$1\" || exit 125; shift; exec \"$@\"";

    /// <summary>A shell script run as root in a mount namespace of its own: its mounts end with its last process.</summary>
    private static readonly string[] InPrivateMountNamespace = ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c"];

    /// <summary>
    /// Writes the mount table of <paramref name="mounts"/> (upper layers under <paramref name="sessionOverlay"/>)
    /// and makes the layers' directories; a session does this once, its commands each mount the table. Root
    /// mounts what the table says, so the table and the directories around the layers are root's alone (0700):
    /// only each upper layer's own directory is the sandbox user's, as the merged directory's owner.
    /// </summary>
    /// <param name="nodeLayers">
    /// Where the upper and work layers go instead (a Slurm guest's <c>NodeLocalDir</c>): a directory on the
    /// machine the commands run on, not this one, so each command makes them there first (see <see cref="NodeLayersScript"/>).
    /// </param>
    public static async Task WriteTableAsync(IReadOnlyList<InstallationMount> mounts, string sessionOverlay, CancellationToken cancellationToken, string? nodeLayers = null)
    {
        PrivateDirectory(sessionOverlay);
        var lines = new System.Text.StringBuilder();
        var uppers = new List<string>();
        for (var i = 0; i < mounts.Count; i++)
        {
            var (upper, work) = Layers(nodeLayers ?? sessionOverlay, i);
            if (nodeLayers == null)
            {
                PrivateDirectory(Path.GetDirectoryName(upper)!);
                Directory.CreateDirectory(upper);
                Directory.CreateDirectory(work);
            }
            uppers.Add(upper);
            var options = $"lowerdir={string.Join(':', mounts[i].Lowers)},upperdir={upper},workdir={work},{Options}";
            lines.Append($"pkgbuild-racket {Escape(mounts[i].Target)} overlay {Escape(options)} 0 0\n");
        }
        File.WriteAllText(Path.Combine(sessionOverlay, TableName), lines.ToString());
        if (nodeLayers != null)
        {
            File.WriteAllText(Path.Combine(sessionOverlay, PrepareName), NodeLayersScript(nodeLayers, mounts.Count));
            return;
        }
        if (LocalIsolation.RunningAsRoot)
        {
            var result = await ChildProcess.RunAsync("chown", [$"{LocalIsolation.NobodyId}:{LocalIsolation.NobodyId}", "--", .. uppers],
                new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new IOException($"chown of the session's layers failed: {result.Output.Trim()}");
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="nodeLayers"/> (0700, root's: checked, so nothing another user of the node made there
    /// in advance, a link included, is used) and its layers, each upper one the sandbox user's; run by each
    /// command, so the layers are there on whichever node the session's job is. Touching the directory marks
    /// it in use for the sweep that removes what a cancelled job left (see <see cref="NodeLayersSweep"/>).
    /// </summary>
    private static string NodeLayersScript(string nodeLayers, int count)
    {
        var l = ShellQuote.Quote(nodeLayers);
        var script = new System.Text.StringBuilder();
        script.Append($"if [ -L {l} ] || [ ! -d {l} ]; then mkdir -m 0700 -- {l} || exit 125; fi\n");
        script.Append($"[ \"$(stat -c %u:%a -- {l})\" = \"$(id -u):700\" ] || {{ printf 'pkgbuild: %s is not a directory of this user alone\\n' {l} >&2; exit 125; }}\n");
        script.Append($"touch -- {l} || exit 125\n");
        for (var i = 0; i < count; i++)
        {
            var (upper, work) = Layers(nodeLayers, i);
            script.Append($"mkdir -p -- {ShellQuote.Quote(upper)} {ShellQuote.Quote(work)} || exit 125\n");
            if (LocalIsolation.RunningAsRoot)
            {
                script.Append($"chown {LocalIsolation.NobodyId}:{LocalIsolation.NobodyId} -- {ShellQuote.Quote(upper)} || exit 125\n");
            }
        }
        return script.ToString();
    }

    /// <summary>The prefix of every node-local layers directory under a <c>NodeLocalDir</c>: what the sweep may remove.</summary>
    public const string NodeLayersPrefix = "pkgbuild-layers-";

    /// <summary>
    /// A shell script (<c>sh -c SCRIPT sweep LAYERS NODELOCALDIR MINUTES</c>) that removes a session's node-local
    /// layers, <c>LAYERS</c> (none: ""), and every other layers directory under <c>NODELOCALDIR</c> of this user
    /// that no command has touched for <c>MINUTES</c>: what sessions whose jobs were cancelled left behind (their
    /// own removal never ran). No command runs for longer than its job's time limit, so older ones are unused.
    /// </summary>
    public const string NodeLayersSweep =
        "l=$1 dir=$2 minutes=$3; if [ -n \"$l\" ] && [ -d \"$l\" ] && [ ! -L \"$l\" ]; then rm -rf -- \"$l\"; fi; "
        + "find \"$dir\" -mindepth 1 -maxdepth 1 -type d -name '" + NodeLayersPrefix + "*' -user \"$(id -u)\" -mmin \"+$minutes\" -exec rm -rf -- {} + 2>/dev/null; exit 0";

    /// <summary>A directory only its owner (root, here) may enter: what root later trusts must not be changed by anyone else on this machine.</summary>
    internal static void PrivateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>A mount table field: its blanks as the octal escapes the table's reader takes.</summary>
    private static string Escape(string field) => field.Replace(" ", "\\040", StringComparison.Ordinal).Replace("\t", "\\011", StringComparison.Ordinal);

    /// <summary>The argv prefix that mounts the table <see cref="WriteTableAsync"/> wrote under <paramref name="sessionOverlay"/> and then runs what follows it.</summary>
    public static IReadOnlyList<string> Prefix(string sessionOverlay) =>
        [.. InPrivateMountNamespace, MountScript, "pkgbuild-overlay", Path.Combine(sessionOverlay, TableName)];

    /// <summary>A session's upper and work directory for its <paramref name="index"/>th mount.</summary>
    public static (string Upper, string Work) Layers(string sessionOverlay, int index) =>
        (Path.Combine(sessionOverlay, index.ToString(System.Globalization.CultureInfo.InvariantCulture), "upper"),
         Path.Combine(sessionOverlay, index.ToString(System.Globalization.CultureInfo.InvariantCulture), "work"));

    /// <summary>Why <paramref name="path"/> cannot be a layer (overlayfs options split on ':' and ','), or null.</summary>
    public static string? Unusable(string path) =>
        path.IndexOfAny([':', ',', '\\', '\n', '\r', '\0']) >= 0 ? $"'{path}' holds ':', ',', '\\' or a line break, which an overlay's options cannot carry" : null;

    /// <summary>
    /// A layer that gives every file and directory of <paramref name="target"/> to the sandbox user, as
    /// pkg-build's build user owns its installation, without copying or changing the installation: a chown
    /// through an overlay with <c>metacopy=on</c> copies up only the metadata. Laid between the session's
    /// layer and the installation. Made once per <paramref name="fingerprint"/> (what the installation is);
    /// returns the layer's directory.
    /// </summary>
    public static async Task<string> OwnershipLayerAsync(string target, string layer, string fingerprint, CancellationToken cancellationToken)
    {
        var upper = Path.Combine(layer, "upper");
        var marker = Path.Combine(layer, "complete");
        if (File.Exists(marker) && File.ReadAllText(marker) == fingerprint)
        {
            return upper;
        }
        await SessionDirectory.DeleteAsync(layer, cancellationToken).ConfigureAwait(false);
        // Every entry of the layer is the sandbox user's: only root may reach it on this machine.
        PrivateDirectory(Path.GetDirectoryName(layer)!);
        PrivateDirectory(layer);
        var work = Path.Combine(layer, "work");
        var merged = Path.Combine(layer, "merged");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        var owner = $"{LocalIsolation.NobodyId}:{LocalIsolation.NobodyId}";
        // chown -h and chmod -R never follow a link: only the installation's own entries change owner.
        string[] argv =
        [
            .. InPrivateMountNamespace,
            "mount -t overlay pkgbuild-racket -o \"$1\" -- \"$2\" && chown -R -h \"$3\" -- \"$2\" && chmod -R u+w -- \"$2\"",
            "pkgbuild-ownership", $"lowerdir={target},upperdir={upper},workdir={work},{Options}", merged, owner,
        ];
        var result = await ChildProcess.RunAsync(argv[0], argv.Skip(1), new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(10) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new IOException($"Could not give the installation {target} to the sandbox user (exit {result.ExitCode}): {result.Output.Trim().ReplaceLineEndings(" / ")}");
        }
        Directory.Delete(merged);
        await SessionDirectory.DeleteAsync(work, cancellationToken).ConfigureAwait(false);
        IO.AtomicFile.WriteAllText(marker, fingerprint);
        return upper;
    }

    /// <summary>
    /// Every mount of the installation, the ownership layer's included: metadata-only copies must be read
    /// as such, and a directory a package renames must stay one directory (not a copy).
    /// </summary>
    private const string Options = "metacopy=on,redirect_dir=on";

    /// <summary>Null when an overlay can be mounted here the way sessions mount it (tried once), else why not.</summary>
    public static async Task<string?> ProbeAsync(string scratchParent, CancellationToken cancellationToken = default)
    {
        if (!LocalIsolation.RunningAsRoot)
        {
            return "the build does not run as root, and only root can mount the overlay";
        }
        var probe = Path.Combine(scratchParent, $"overlay-probe-{Guid.NewGuid():N}");
        if (Unusable(probe) is { } why)
        {
            return why;
        }
        var lower = Path.Combine(probe, "lower");
        var target = Path.Combine(probe, "target");
        Directory.CreateDirectory(lower);
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(lower, "seen"), "");
        var overlay = Path.Combine(probe, SessionDirectoryName);
        var upper = Layers(overlay, 0).Upper;
        try
        {
            await WriteTableAsync([new InstallationMount(target, [lower])], overlay, cancellationToken).ConfigureAwait(false);
            var argv = Prefix(overlay).Concat(["/bin/sh", "-c", $"test -e {ShellQuote.Quote(target)}/seen && touch {ShellQuote.Quote(target)}/written"]).ToList();
            var result = await ChildProcess.RunAsync(argv[0], argv.Skip(1), new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return $"a trial overlay mount failed (exit {result.ExitCode}): {result.Output.Trim().ReplaceLineEndings(" / ")}";
            }
            return File.Exists(Path.Combine(lower, "written")) || !File.Exists(Path.Combine(upper, "written"))
                ? "a trial overlay did not keep its writes in its own layer"
                : null;
        }
        catch (FileNotFoundException e)
        {
            return $"{e.FileName ?? "unshare"} is not installed";
        }
        finally
        {
            await SessionDirectory.DeleteAsync(probe, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
