namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// What a Local session and a Slurm one (a Local session on a node) share: the session directory's shape
/// (<c>work/</c>, <c>home/</c>, <c>tmp/</c>, given to the sandbox user when isolated, with the installation's
/// mount table) and the command line that starts a package's command with only the guest's environment.
/// </summary>
internal static class SandboxedSession
{
    public static string Work(string root) => Path.Combine(root, "work");

    public static string Home(string root) => Path.Combine(root, "home");

    /// <param name="nodeLayers">Where the installation's writable layers are made instead of in the session (see <see cref="InstallationOverlay.WriteTableAsync"/>).</param>
    public static async Task PrepareAsync(string root, bool isolated, IReadOnlyList<InstallationMount> installation, CancellationToken cancellationToken, string? nodeLayers = null)
    {
        Directory.CreateDirectory(Work(root));
        Directory.CreateDirectory(Home(root));
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        if (isolated)
        {
            await LocalIsolation.GiveToGuestAsync(root, cancellationToken).ConfigureAwait(false);
        }
        if (installation.Count > 0)
        {
            // After the chown: the mount table root mounts stays root's (see WriteTable).
            await InstallationOverlay.WriteTableAsync(installation, Path.Combine(root, InstallationOverlay.SessionDirectoryName), cancellationToken, nodeLayers).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>env -i</c>: the command sees only what a guest should, not the build's own environment. Every signal
    /// back to its default, as in a fresh machine: .NET starts children with SIGPIPE ignored (a package's
    /// <c>yes | head</c> would never end), and a build started under nohup or in the background ignores
    /// SIGHUP, SIGINT and SIGQUIT.
    /// </summary>
    public static List<string> Argv(IEnumerable<KeyValuePair<string, string>> environment, IEnumerable<string> command)
    {
        var argv = new List<string> { "/usr/bin/env", "--default-signal", "-i" };
        argv.AddRange(environment.Select(e => $"{e.Key}={e.Value}"));
        argv.AddRange(command);
        foreach (var argument in argv)
        {
            ShellQuote.Quote(argument); // refuses what no process can receive
        }
        return argv;
    }
}
