using System.Diagnostics;
using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One package's fresh Local guest: a session directory holding <c>work/</c> and <c>home/</c> (the
/// <c>PLTUSERHOME</c>). Isolated, each command runs as <see cref="LocalIsolation"/> describes, with this
/// directory the only writable one; the guest sees it at the same path, so copying in and out is a file
/// copy (through <see cref="SessionDirectory"/>, which refuses links the guest made).
/// </summary>
public sealed class LocalGuestSession : IGuestSession
{
    private readonly bool _isolated;
    private readonly IReadOnlyDictionary<string, string> _env;
    private readonly string _hiddenState;
    private readonly IReadOnlyList<string> _shared;
    private readonly (int MemoryMb, int Processes) _limits;
    private readonly IReadOnlyList<InstallationMount> _installation;

    private LocalGuestSession(string root, bool isolated, IReadOnlyDictionary<string, string> env, string hiddenState, IReadOnlyList<string> shared,
        IReadOnlyList<InstallationMount> installation, (int MemoryMb, int Processes) limits)
    {
        _shared = shared;
        _installation = installation;
        _limits = limits;
        Root = root;
        _isolated = isolated;
        _env = env;
        _hiddenState = hiddenState;
    }

    public string Root { get; }

    public string WorkDirectory => SandboxedSession.Work(Root);

    public string UserHome => SandboxedSession.Home(Root);

    /// <param name="hiddenState">The guest's state directory: hidden from the package, except this session.</param>
    /// <param name="shared">Directories of this machine the session reads (the site, an installed Racket), bound read-only.</param>
    /// <param name="installation">The installation's directories, writable over an upper layer of this session's (isolated sessions only).</param>
    internal static async Task<LocalGuestSession> CreateAsync(string root, bool isolated, IReadOnlyDictionary<string, string> env, string hiddenState,
        IReadOnlyList<string> shared, IReadOnlyList<InstallationMount> installation, (int MemoryMb, int Processes) limits, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> snapshot;
        lock (shared)
        {
            snapshot = shared.ToList();
        }
        var session = new LocalGuestSession(root, isolated, env, hiddenState, snapshot, isolated ? installation : [], limits);
        await SandboxedSession.PrepareAsync(root, isolated, session._installation, cancellationToken).ConfigureAwait(false);
        return session;
    }

    public async Task<GuestRunResult> RunAsync(GuestCommand command, GuestRunOptions options, CancellationToken cancellationToken = default)
    {
        var argv = SandboxedSession.Argv(Environment(command), command.Argv);

        var clock = Stopwatch.StartNew();
        var processOptions = new ChildProcessOptions
        {
            Timeout = options.Timeout,
            Deadline = options.Deadline,
            SilenceTimeout = options.SilenceTimeout,
            MaxOutputChars = options.MaxOutputChars,
            OnOutputLine = options.OnOutputLine,
            WorkingDirectory = WorkDirectory,
        };
        var full = _isolated ? LocalIsolation.Wrap(Root, WorkDirectory, _hiddenState, argv, _shared, _limits.MemoryMb, _limits.Processes, _installation) : argv;
        var result = await ChildProcess.RunAsync(full[0], full.Skip(1), processOptions, cancellationToken).ConfigureAwait(false);
        return new GuestRunResult(result.ExitCode, result.TimedOut, result.Output, clock.Elapsed) { Silent = result.Silent };
    }

    public Task CopyInAsync(string localFile, string relativePath, CancellationToken cancellationToken = default)
    {
        SessionDirectory.CopyIn(localFile, Root, relativePath);
        return Task.CompletedTask;
    }

    public Task CopyOutAsync(string relativePath, string localFile, CancellationToken cancellationToken = default)
    {
        SessionDirectory.CopyOut(Root, relativePath, localFile);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await SessionDirectory.DeleteAsync(Root).ConfigureAwait(false);

    private IEnumerable<KeyValuePair<string, string>> Environment(GuestCommand command)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = UserHome,
            ["PLTUSERHOME"] = UserHome,
            ["TMPDIR"] = _isolated ? "/tmp" : Path.Combine(Root, "tmp"),
            ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in _env.Concat(command.Environment))
        {
            env[key] = value;
        }
        return env;
    }
}
