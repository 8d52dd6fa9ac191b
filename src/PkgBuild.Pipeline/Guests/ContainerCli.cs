using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// The container tool a Container guest drives (podman or docker), found on a PATH and always run by its
/// full path from an argument list, never through a shell, with the environment that points podman at the
/// guest's own configuration.
/// </summary>
public sealed class ContainerCli
{
    /// <summary>The tools in the order they are looked for when <c>ContainerTool</c> is not set: podman needs no daemon.</summary>
    public static IReadOnlyList<string> Tools { get; } = ["podman", "docker"];

    internal ContainerCli(string tool, string path, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        Tool = tool;
        Path = path;
        Environment = environment;
        WorkingDirectory = workingDirectory;
    }

    /// <summary><c>podman</c> or <c>docker</c>.</summary>
    public string Tool { get; }

    /// <summary>The program run, as found on the PATH.</summary>
    public string Path { get; }

    /// <summary>Variables set for every run (podman's <c>CONTAINERS_CONF</c> and <c>CONTAINERS_STORAGE_CONF</c>).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>
    /// Where the tool runs. podman's conmon stays in it for the container's life and writes an <c>oom</c>
    /// marker there when a process is killed for memory, so it must be a directory of ours, not the build's.
    /// </summary>
    public string WorkingDirectory { get; }

    public bool IsPodman => Tool == "podman";

    /// <summary>The first of <see cref="Tools"/> on <paramref name="searchPath"/>; podman when neither is (the preflight then says how to install it).</summary>
    public static string Detect(string? searchPath) => Tools.FirstOrDefault(t => Find(t, searchPath) != null) ?? Tools[0];

    /// <summary>The full path of the executable <paramref name="tool"/> in the directories of <paramref name="searchPath"/>, or null.</summary>
    public static string? Find(string tool, string? searchPath)
    {
        foreach (var directory in (searchPath ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!System.IO.Path.IsPathRooted(directory))
            {
                continue; // a relative PATH entry would depend on the build's current directory
            }
            var candidate = System.IO.Path.Combine(directory, tool);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public Task<ChildProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default, Action<string>? onOutputLine = null) =>
        RunAsync(arguments, new GuestRunOptions { Timeout = timeout, OnOutputLine = onOutputLine, MaxOutputChars = 16 << 20 }, cancellationToken);

    /// <summary>Runs the tool with a command's limits: deadline, silence watchdog, output cap.</summary>
    public Task<ChildProcessResult> RunAsync(IEnumerable<string> arguments, GuestRunOptions options, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(Path, arguments, new ChildProcessOptions
        {
            Environment = Environment,
            WorkingDirectory = WorkingDirectory,
            Timeout = options.Timeout,
            Deadline = options.Deadline,
            SilenceTimeout = options.SilenceTimeout,
            MaxOutputChars = options.MaxOutputChars,
            OnOutputLine = options.OnOutputLine,
        }, cancellationToken);

    /// <summary>The first lines of a tool's output, for an error message.</summary>
    internal static string Brief(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3);
        var text = string.Join(" / ", lines);
        return text.Length == 0 ? "(no output)" : text.Length > 400 ? text[..400] + "…" : text;
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsLinux() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
