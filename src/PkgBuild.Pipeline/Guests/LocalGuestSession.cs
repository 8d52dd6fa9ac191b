using System.Diagnostics;
using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// One package's fresh Local guest: a session directory holding <c>work/</c> and <c>home/</c> (the
/// <c>PLTUSERHOME</c>). Isolated, each command runs in new namespaces over a throwaway overlay in which
/// only this directory is the real one; the guest sees it at the same path, so copying in and out is a
/// file copy.
/// </summary>
public sealed class LocalGuestSession : IGuestSession
{
    private readonly bool _isolated;
    private readonly IReadOnlyDictionary<string, string> _env;

    private LocalGuestSession(string root, bool isolated, IReadOnlyDictionary<string, string> env)
    {
        Root = root;
        _isolated = isolated;
        _env = env;
    }

    public string Root { get; }

    public string WorkDirectory => Path.Combine(Root, "work");

    public string UserHome => Path.Combine(Root, "home");

    private string Scratch => Path.Combine(Root, ".overlay");

    internal static LocalGuestSession Create(string root, bool isolated, IReadOnlyDictionary<string, string> env)
    {
        var session = new LocalGuestSession(root, isolated, env);
        Directory.CreateDirectory(session.WorkDirectory);
        Directory.CreateDirectory(session.UserHome);
        Directory.CreateDirectory(session.Scratch);
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        return session;
    }

    public async Task<GuestRunResult> RunAsync(GuestCommand command, GuestRunOptions options, CancellationToken cancellationToken = default)
    {
        // env -i: the command sees only what a guest should, not the build's own environment.
        var argv = new List<string> { "/usr/bin/env", "-i" };
        argv.AddRange(Environment(command).Select(e => $"{e.Key}={e.Value}"));
        argv.AddRange(command.Argv);
        foreach (var argument in argv)
        {
            ShellQuote.Quote(argument); // refuses what no process can receive
        }

        var clock = Stopwatch.StartNew();
        var processOptions = new ChildProcessOptions { Timeout = options.Timeout, OnOutputLine = options.OnOutputLine, WorkingDirectory = WorkDirectory };
        var result = _isolated
            ? await ChildProcess.RunAsync("unshare", [.. LocalIsolation.UnshareArguments, Scratch, Root, WorkDirectory, .. argv], processOptions, cancellationToken).ConfigureAwait(false)
            : await ChildProcess.RunAsync(argv[0], argv.Skip(1), processOptions, cancellationToken).ConfigureAwait(false);
        return new GuestRunResult(result.ExitCode, result.TimedOut, result.Output, clock.Elapsed);
    }

    public Task CopyInAsync(string localFile, string relativePath, CancellationToken cancellationToken = default)
    {
        var target = Inside(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(localFile, target, overwrite: true);
        return Task.CompletedTask;
    }

    public Task CopyOutAsync(string relativePath, string localFile, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localFile))!);
        File.Copy(Inside(relativePath), localFile, overwrite: true);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
        return ValueTask.CompletedTask;
    }

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

    /// <summary>A path under <see cref="Root"/>; a relative path that climbs out of it is refused.</summary>
    private string Inside(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' is not inside the session.", nameof(relativePath));
        }
        return full;
    }
}
