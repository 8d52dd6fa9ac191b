using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// A guest made of containers (podman or docker): each package gets a fresh container from <c>Image</c>,
/// with no network, the optional memory limit, and its session directory bound in at the same path as on
/// this machine, so copying in and out is a file copy; the site read-only, an installed Racket writable in
/// the container's own view of it. Nothing is pulled: the image must already be in the tool's store (for
/// podman, the guest's own store under <see cref="StorageDirectory"/>).
/// </summary>
public sealed class ContainerGuestMachine : IGuestMachine
{
    /// <summary>The label every container of a guest carries, so that a later build can find and remove them.</summary>
    public const string GuestLabel = "pkgbuild.guest";

    /// <summary>The label that tells apart same-named guests of different projects sharing one docker daemon.</summary>
    public const string StateLabel = "pkgbuild.state";

    private readonly string _stateDirectory;
    private readonly string? _searchPath;
    private ContainerCli? _cli;
    private string? _imageId;
    private string _storageDirectory;

    /// <param name="spec">The guest; its Image is required (GuestSpec checks it).</param>
    /// <param name="stateDirectory">The guest's own directory: configuration, session directories and, by default, podman's store.</param>
    /// <param name="searchPath">Where to look for podman and docker (PATH's syntax); this process's PATH when null.</param>
    public ContainerGuestMachine(GuestSpec spec, string stateDirectory, string? searchPath = null)
    {
        Spec = spec;
        _stateDirectory = Path.GetFullPath(stateDirectory);
        _searchPath = searchPath ?? Environment.GetEnvironmentVariable("PATH");
        ContainerTool = spec.ContainerTool ?? ContainerCli.Detect(_searchPath);
        _storageDirectory = Path.Combine(_stateDirectory, "storage");
        CopiesInstallations = ContainerTool != "podman";
    }

    public GuestSpec Spec { get; }

    /// <summary><c>podman</c> or <c>docker</c>: the spec's ContainerTool, else podman when it is on the PATH, else docker.</summary>
    public string ContainerTool { get; }

    /// <summary>podman's store for this guest (graphroot, runroot, its tmp directory); the image must be in it.</summary>
    public string StorageDirectory
    {
        get => _storageDirectory;
        init => _storageDirectory = Path.GetFullPath(value);
    }

    /// <summary>Directories of this machine (key) bound read-only into every container (at the value), such as the served archive.</summary>
    public IReadOnlyDictionary<string, string> ReadOnlyMounts { get; init; } = new Dictionary<string, string>();

    /// <summary>Where every container sees the served site (read-only): containers have no network.</summary>
    public const string SiteMount = "/pkgbuild/site";

    /// <summary>
    /// Where a container that copies an installed Racket (see <see cref="CopiesInstallations"/>) sees this
    /// machine's copy, read-only, under the installation's directory name.
    /// </summary>
    internal const string InstallationSourceMount = "/pkgbuild/installed";

    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _installations = new(StringComparer.Ordinal);

    /// <summary><see cref="ReadOnlyMounts"/> plus what the run shared read-only: the site.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Mounts
    {
        get
        {
            lock (_shared)
            {
                return ReadOnlyMounts.Concat(_shared).ToList();
            }
        }
    }

    /// <summary>Racket installations of this machine every container sees writable at the same path, each its own view.</summary>
    internal IReadOnlyList<string> Installations
    {
        get
        {
            lock (_shared)
            {
                return _installations.ToList();
            }
        }
    }

    /// <summary>
    /// Whether each container copies an installed Racket into its own layer when it starts rather than seeing
    /// it through podman's overlay volume (<c>-v dir:dir:O</c>, which docker lacks). The copy costs seconds a
    /// package (the whole tree, every file) where the overlay costs milliseconds, and disk for every container at once. Only docker needs
    /// it; tests set it to run this path with podman (the commands are the same with docker, but this path
    /// has not been run against a Docker engine).
    /// </summary>
    internal bool CopiesInstallations { get; init; }

    /// <summary>Where a container that copies <paramref name="installation"/> sees this machine's copy of it.</summary>
    internal static string CopySource(string installation) => InstallationSourceMount + "/" + Path.GetFileName(installation);

    public Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default)
    {
        Share(Path.GetFullPath(siteDirectory), SiteMount);
        return Task.FromResult(new Uri("file://" + SiteMount + "/"));
    }

    /// <summary>
    /// Installed once on this machine, beside the guests' state, and seen by every container at the same
    /// path, writable, as pkg-build's build user sees its VM's installation: raco writes there in ordinary
    /// runs (a meta package's shared files and <c>shares.rktd</c>, <c>info-cache.rktd</c>, <c>compiled/</c>
    /// directories). What a package writes stays in its container's own layer and goes with it; this
    /// machine's copy is never changed. The files keep the owner they have here, so the package's user can
    /// write there when it is root in the container (an image without <c>USER</c>) or that owner.
    /// </summary>
    public async Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default)
    {
        var racket = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_stateDirectory)))!, "..", "racket");
        var directory = await RacketInstall.OnThisMachineAsync(installerFile, racket, Spec, cancellationToken).ConfigureAwait(false);
        CheckMountablePath(directory, "a directory bound into the containers");
        lock (_shared)
        {
            _installations.Add(directory);
        }
        return Path.Combine(directory, "bin", "raco");
    }

    private void Share(string host, string inGuest)
    {
        CheckMountablePath(host, "a directory bound into the containers");
        lock (_shared)
        {
            _shared[host] = inGuest;
        }
    }

    /// <summary>The image's full ID, resolved by the preflight: every package of the build runs the same image even if its tag moves.</summary>
    public string? ImageId => _imageId;

    internal ContainerCli Cli => _cli ?? throw new InvalidOperationException("The Container guest has not been preflighted.");

    internal string SessionsDirectory => Path.Combine(_stateDirectory, "sessions");

    /// <summary>Identifies this guest's state directory in a label without putting a path in it.</summary>
    internal string StateId => Sha256.Of(_stateDirectory)[..12];

    internal string ContainerNamePrefix => $"pkgbuild-{Spec.Name}-";

    /// <summary>The tool is installed, its engine answers, and the image is in its store: each failure its own error with the fix.</summary>
    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        CheckMountablePath(_stateDirectory, "the guest state directory (under PkgBuildWorkDir)");
        foreach (var (host, guest) in ReadOnlyMounts)
        {
            CheckMountablePath(Path.GetFullPath(host), "a directory bound into the containers");
            if (!guest.StartsWith('/'))
            {
                throw Error(ErrorCodes.InvalidProperty, $"the container path '{guest}' of a read-only mount is not absolute.");
            }
            CheckMountablePath(guest, "a directory bound into the containers");
        }

        var cli = CreateCli() ?? throw Error(ErrorCodes.GuestToolMissing, MissingToolMessage());
        await CheckEngineAsync(cli, cancellationToken).ConfigureAwait(false);
        _imageId = await ResolveImageAsync(cli, cancellationToken).ConfigureAwait(false);
        _cli = cli;
        Directory.CreateDirectory(SessionsDirectory);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await using var session = await OpenSessionAsync("ready-check", cancellationToken).ConfigureAwait(false);
        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo ready"),
            new GuestRunOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded || result.Output.Trim() != "ready")
        {
            throw Error(ErrorCodes.GuestNotReady,
                $"a command in a fresh container of {Spec.Image} did not run (exit {result.ExitCode}{(result.TimedOut ? ", timed out" : "")}): {ContainerCli.Brief(result.Output)}. The image needs /bin/sh, env and sleep.");
        }
    }

    public async Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default)
    {
        var image = _imageId ?? throw new InvalidOperationException("The Container guest has not been preflighted.");
        var id = $"{SafeLabel(label)}-{Guid.NewGuid().ToString("N")[..12]}";
        return await ContainerGuestSession.StartAsync(this, image, Path.Combine(SessionsDirectory, id), ContainerNamePrefix + id, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Removes every container of this guest that is still there (a killed build's too) and the session directories.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        // Without the store there is nothing to remove, and running podman would make one.
        var cli = _cli ?? (ContainerTool != "podman" || Directory.Exists(StorageDirectory) ? CreateCli() : null);
        if (cli != null)
        {
            var ids = await ListContainersAsync(cli, cancellationToken).ConfigureAwait(false);
            if (ids.Count > 0)
            {
                var removed = await cli.RunAsync(["rm", "-f", .. ids], TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
                // A container whose own --rm clean-up won the race makes rm fail; only one still listed counts.
                if (!removed.Succeeded && await ListContainersAsync(cli, cancellationToken).ConfigureAwait(false) is { Count: > 0 } still)
                {
                    throw Error(ErrorCodes.GuestNotReady, $"`{cli.Tool} rm -f` did not remove this guest's containers {string.Join(' ', still)}: {ContainerCli.Brief(removed.Output)}");
                }
            }
        }
        if (Directory.Exists(SessionsDirectory))
        {
            Directory.Delete(SessionsDirectory, recursive: true);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>The IDs of this guest's containers, running or not.</summary>
    private async Task<IReadOnlyList<string>> ListContainersAsync(ContainerCli cli, CancellationToken cancellationToken)
    {
        var listed = await cli.RunAsync(["ps", "-a", "-q", "--no-trunc", "--filter", $"label={GuestLabel}={Spec.Name}", "--filter", $"label={StateLabel}={StateId}"],
            TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (!listed.Succeeded)
        {
            throw Error(ErrorCodes.GuestNotReady, $"`{cli.Tool} ps` cannot list this guest's containers to remove them: {ContainerCli.Brief(listed.Output)}");
        }
        // Output is stdout and stderr together: an ID line is all hex, a warning is not.
        return listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.All(char.IsAsciiHexDigit)).ToList();
    }

    internal GuestException Error(string code, string message) => new(code, $"PkgBuildGuest '{Spec.Name}': {message}", Spec.Location);

    /// <summary>The tool found on the search path, with podman's configuration written; null when the tool is not there.</summary>
    private ContainerCli? CreateCli()
    {
        var path = ContainerCli.Find(ContainerTool, _searchPath);
        if (path == null)
        {
            return null;
        }
        var workingDirectory = Path.Combine(_stateDirectory, "tool");
        Directory.CreateDirectory(workingDirectory);
        if (ContainerTool != "podman")
        {
            return new ContainerCli(ContainerTool, path, new Dictionary<string, string?>(), workingDirectory);
        }
        ContainerConfiguration.DiscardStateFromAnotherBoot(StorageDirectory);
        return new ContainerCli(ContainerTool, path, ContainerConfiguration.WritePodman(_stateDirectory, StorageDirectory), workingDirectory);
    }

    private string MissingToolMessage() => Spec.ContainerTool switch
    {
        "podman" => "podman is not on PATH. Install it (Debian/Ubuntu: sudo apt-get install podman runc), or set ContainerTool=\"docker\" where Docker is installed.",
        "docker" => "docker is not on PATH. Install Docker (Debian/Ubuntu: sudo apt-get install docker.io), or set ContainerTool=\"podman\" where podman is installed.",
        _ => "neither podman nor docker is on PATH. Install podman (Debian/Ubuntu: sudo apt-get install podman runc; it needs no daemon), or Docker (sudo apt-get install docker.io).",
    };

    private async Task CheckEngineAsync(ContainerCli cli, CancellationToken cancellationToken)
    {
        var info = await cli.RunAsync(["info"], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (info.Succeeded)
        {
            if (cli.IsPodman)
            {
                ContainerConfiguration.RecordBoot(StorageDirectory);
            }
            return;
        }
        var fix = cli.IsPodman
            ? $"podman runs with CONTAINERS_CONF={cli.Environment["CONTAINERS_CONF"]} and CONTAINERS_STORAGE_CONF={cli.Environment["CONTAINERS_STORAGE_CONF"]}; the store {StorageDirectory} must be a usable directory, and the runtime is runc (sudo apt-get install runc)."
            : "start the Docker daemon (sudo systemctl start docker) and make sure this user may use it (the docker group), or use ContainerTool=\"podman\".";
        throw Error(ErrorCodes.GuestNotReady,
            $"`{cli.Tool} info` failed{(info.TimedOut ? " (no answer within 60 s)" : "")}: {ContainerCli.Brief(info.Output)}. The container engine does not answer: {fix}");
    }

    /// <summary>The image's ID in the tool's store; PKB0614 with how to get it there when it is not.</summary>
    private async Task<string> ResolveImageAsync(ContainerCli cli, CancellationToken cancellationToken)
    {
        var image = Spec.Image!;
        // podman answers "is it there" with an exit code; docker only with inspect's error text.
        var missing = false;
        if (cli.IsPodman)
        {
            var exists = await cli.RunAsync(["image", "exists", "--", image], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            missing = exists.ExitCode == 1;
        }
        var inspected = missing ? null
            : await cli.RunAsync(["image", "inspect", "--format", "{{.Id}}", "--", image], TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        if (inspected != null && !inspected.Succeeded && !cli.IsPodman && inspected.Output.Contains("No such image", StringComparison.OrdinalIgnoreCase))
        {
            missing = true;
        }
        if (missing)
        {
            throw Error(ErrorCodes.ContainerImageMissing, MissingImageMessage(cli, image));
        }
        var id = inspected!.Output.Trim();
        if (!inspected.Succeeded || id.Length == 0 || id.Any(char.IsWhiteSpace))
        {
            throw Error(ErrorCodes.GuestNotReady, $"`{cli.Tool} image inspect {image}` failed: {ContainerCli.Brief(inspected.Output)}");
        }
        return id;
    }

    private string MissingImageMessage(ContainerCli cli, string image)
    {
        if (!cli.IsPodman)
        {
            return $"the image '{image}' is not in Docker's image store, and a build never pulls. Get it there first: docker pull {image} (or docker load -i <image.tar>, or docker build -t {image} <dir>).";
        }
        var env = $"CONTAINERS_CONF={ShellQuote.Quote(cli.Environment["CONTAINERS_CONF"]!)} CONTAINERS_STORAGE_CONF={ShellQuote.Quote(cli.Environment["CONTAINERS_STORAGE_CONF"]!)}";
        var quoted = ShellQuote.Quote(image);
        return $"the image '{image}' is not in this guest's podman store ({StorageDirectory}), and a build never pulls. Put it there with this guest's configuration: "
            + $"`export {env}`, then `podman load -i <image.tar>`, or `tar -C <root-dir> -c . | podman import - {quoted}` (a root file system), "
            + $"or `env -u CONTAINERS_CONF -u CONTAINERS_STORAGE_CONF podman save {quoted} | podman load` (an image in podman's default store), "
            + $"or `podman pull {quoted}` where a registry is reachable."
            + (image.Contains('/', StringComparison.Ordinal) ? "" : $" Name it with its registry (localhost/{image} for an image made here), as podman stores it.");
    }

    private void CheckMountablePath(string path, string what)
    {
        // `-v host:guest:ro` splits on ':'; a comma or line break would be misread by the tool or by us.
        if (path.IndexOfAny([':', ',', '\n', '\r', '\0']) >= 0)
        {
            throw Error(ErrorCodes.InvalidProperty,
                $"{what} '{path}' contains ':', ',' or a line break, which a container bind mount cannot carry; use paths without them (for the state directory, a PkgBuildWorkDir without them).");
        }
    }

    private static string SafeLabel(string label) =>
        new(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(64).ToArray());
}
