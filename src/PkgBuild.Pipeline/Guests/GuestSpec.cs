using System.Globalization;
using System.Text.RegularExpressions;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// A <c>PkgBuildGuest</c> item, checked: which kind of guest, and what that kind needs to reach it.
/// Every value is validated here, so the guests themselves work with values that cannot surprise a
/// shell or a path.
/// </summary>
public sealed partial record GuestSpec
{
    public required string Name { get; init; }

    public required GuestKind Kind { get; init; }

    public string? Host { get; init; }

    public required int Port { get; init; }

    public string User { get; init; } = "racket";

    public string? IdentityFile { get; init; }

    public string? KnownHostsFile { get; init; }

    /// <summary>A pinned host key in OpenSSH's form, <c>SHA256:</c> and unpadded base64.</summary>
    public string? HostKeyFingerprint { get; init; }

    /// <summary>The work directory in the guest (absolute); sessions are made under it.</summary>
    public string? Dir { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public string? Image { get; init; }

    public string? ContainerTool { get; init; }

    public string Snapshot { get; init; } = "init";

    /// <summary>The VirtualBox VM's registered name (may hold spaces); the item's name when not given.</summary>
    public string? VmName { get; init; }

    public int? MemoryMb { get; init; }

    /// <summary>Processes one package may run at once (Local: its sandbox user's; Container: its pids limit).</summary>
    public int? Processes { get; init; }

    /// <summary>Slurm: the partition every job of the guest is submitted to (the cluster's default when not given).</summary>
    public string? Partition { get; init; }

    /// <summary>Slurm: the account the jobs are charged to (the user's default when not given).</summary>
    public string? Account { get; init; }

    /// <summary>Slurm: a directory this machine and every node see at the same path (sessions, Racket, the site).</summary>
    public string? SharedDir { get; init; }

    /// <summary>
    /// Slurm: a directory on each node's own local disk (not shared) where each session's writable layers of
    /// the installation live while its job runs; unset, they live in the session under <see cref="SharedDir"/>.
    /// </summary>
    public string? NodeLocalDir { get; init; }

    /// <summary>Slurm: each job's time limit (<c>--time</c>) in minutes: the cluster's own limit on one package's session.</summary>
    public int? TimeLimitMinutes { get; init; }

    /// <summary>Slurm: more options for every job the guest submits (<c>--qos=short</c>, <c>--constraint=avx2</c>), separated by blanks.</summary>
    public IReadOnlyList<string> SlurmArgs { get; init; } = [];

    /// <summary>How many packages this guest builds at once.</summary>
    public required int Parallelism { get; init; }

    public SourceLocation Location { get; init; }

    /// <summary>The metadata <see cref="Parse"/> reads: any other name on a PkgBuildGuest is warned about.</summary>
    public static IReadOnlyList<string> MetadataNames { get; } =
        ["Kind", "Host", "Port", "User", "IdentityFile", "KnownHostsFile", "HostKeyFingerprint", "Dir", "Env", "Image", "ContainerTool", "Snapshot", "VmName", "MemoryMb", "Processes", "Parallelism",
         "Partition", "Account", "SharedDir", "NodeLocalDir", "TimeLimitMinutes", "SlurmArgs"];

    /// <summary>Reads an item's metadata (empty values count as absent); throws PKB0601 naming the item and the value.</summary>
    public static GuestSpec Parse(string name, IReadOnlyDictionary<string, string> metadata, SourceLocation location = default)
    {
        string? Get(string key) => metadata.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        GuestException Bad(string message) => new(ErrorCodes.GuestInvalid, $"PkgBuildGuest '{name}': {message}", location);

        if (!NamePattern().IsMatch(name))
        {
            throw Bad("the name must be letters, digits, '-', '_' or '.' (it names the guest's state directory).");
        }
        var kindText = Get("Kind") ?? nameof(GuestKind.Local);
        if (!Enum.TryParse<GuestKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || char.IsDigit(kindText[0]))
        {
            throw Bad($"Kind '{kindText}' is not one of {string.Join(", ", Enum.GetNames<GuestKind>())}.");
        }
        int? Number(string key, int min, int max)
        {
            var text = Get(key);
            if (text == null)
            {
                return null;
            }
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw Bad($"{key} '{text}' is not a whole number from {min} to {max}.");
            }
            return value;
        }

        var spec = new GuestSpec
        {
            Name = name,
            Kind = kind,
            Host = Get("Host"),
            Port = Number("Port", 1, 65535) ?? 22,
            User = Get("User") ?? "racket",
            IdentityFile = Get("IdentityFile"),
            KnownHostsFile = Get("KnownHostsFile"),
            HostKeyFingerprint = Get("HostKeyFingerprint"),
            Dir = Get("Dir"),
            Env = ParseEnv(Get("Env"), Bad),
            Image = Get("Image"),
            ContainerTool = Get("ContainerTool"),
            Snapshot = Get("Snapshot") ?? "init",
            VmName = kind == GuestKind.VirtualBox ? Get("VmName") ?? name : Get("VmName"),
            MemoryMb = Number("MemoryMb", 16, 1 << 20),
            Processes = Number("Processes", 16, 1 << 20),
            Parallelism = Number("Parallelism", 1, 256) ?? 1,
            Partition = Get("Partition"),
            Account = Get("Account"),
            SharedDir = Get("SharedDir"),
            NodeLocalDir = Get("NodeLocalDir"),
            TimeLimitMinutes = Number("TimeLimitMinutes", 1, 525600),
            SlurmArgs = Get("SlurmArgs")?.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries) ?? [],
            Location = location,
        };

        if (kind is GuestKind.Ssh or GuestKind.VirtualBox && spec.Host == null)
        {
            throw Bad($"a {kind} guest needs Host (the name or address its SSH server answers on).");
        }
        if (spec.Host != null && !HostPattern().IsMatch(spec.Host))
        {
            throw Bad($"Host '{spec.Host}' is not a host name or an IP address.");
        }
        if (!UserPattern().IsMatch(spec.User))
        {
            throw Bad($"User '{spec.User}' is not a user name (letters, digits, '.', '_', '-').");
        }
        if (spec.HostKeyFingerprint != null && !FingerprintPattern().IsMatch(spec.HostKeyFingerprint))
        {
            throw Bad($"HostKeyFingerprint '{spec.HostKeyFingerprint}' is not in OpenSSH's form SHA256:<base64> (as `ssh-keygen -lf` prints it).");
        }
        if (spec.Dir != null && (!spec.Dir.StartsWith('/') || spec.Dir.Contains("..", StringComparison.Ordinal) || spec.Dir.Any(char.IsControl)))
        {
            throw Bad($"Dir '{spec.Dir}' must be an absolute path in the guest, without '..'.");
        }
        if (kind == GuestKind.Container && spec.Image == null)
        {
            throw Bad("a Container guest needs Image (the image each package's container starts from).");
        }
        if (spec.ContainerTool is { } tool && tool is not ("docker" or "podman"))
        {
            throw Bad($"ContainerTool '{tool}' is neither docker nor podman.");
        }
        if (spec.Snapshot.Any(char.IsControl) || spec.Snapshot.Length > 200)
        {
            throw Bad($"Snapshot '{spec.Snapshot}' is not a usable snapshot name.");
        }
        if (spec.VmName is { } vm && (vm.Any(char.IsControl) || vm.Length > 200 || vm.StartsWith('-')))
        {
            throw Bad($"VmName '{vm}' is not a usable VM name.");
        }
        if (kind == GuestKind.Slurm && spec.SharedDir == null)
        {
            throw Bad("a Slurm guest needs SharedDir (a directory this machine and every node see at the same path).");
        }
        if (spec.SharedDir is { } shared && (!shared.StartsWith('/') || shared.Split('/').Contains("..") || shared.Any(char.IsControl) || shared.TrimEnd('/').Length == 0))
        {
            throw Bad($"SharedDir '{shared}' must be an absolute path, not '/', without '..'.");
        }
        if (spec.NodeLocalDir is { } nodeLocal)
        {
            var trimmed = nodeLocal.TrimEnd('/');
            if (!nodeLocal.StartsWith('/') || nodeLocal.Split('/').Contains("..") || trimmed.Length == 0 || InstallationOverlay.Unusable(nodeLocal) != null || nodeLocal.Any(char.IsControl))
            {
                throw Bad($"NodeLocalDir '{nodeLocal}' must be an absolute path, not '/', without '..', ':', ',' or '\\' (it holds overlay layers).");
            }
            if (spec.SharedDir is { } sharedDir && (trimmed == sharedDir.TrimEnd('/') || trimmed.StartsWith(sharedDir.TrimEnd('/') + "/", StringComparison.Ordinal)
                || sharedDir.TrimEnd('/').StartsWith(trimmed + "/", StringComparison.Ordinal)))
            {
                throw Bad($"NodeLocalDir '{nodeLocal}' must be apart from SharedDir '{sharedDir}': it is each node's own storage, not the shared one.");
            }
        }
        foreach (var (key, value) in new[] { ("Partition", spec.Partition), ("Account", spec.Account) })
        {
            if (value != null && !SlurmNamePattern().IsMatch(value))
            {
                throw Bad($"{key} '{value}' is not a Slurm name (letters, digits, '.', '_', '-').");
            }
        }
        if (spec.SlurmArgs.FirstOrDefault(a => !a.StartsWith('-') || a.Any(char.IsControl)) is { } arg)
        {
            throw Bad($"SlurmArgs '{arg}' is not an option: each blank-separated word must start with '-' (write --opt=value as one word).");
        }
        if (spec.SlurmArgs.FirstOrDefault(SetByTheGuest) is { } reserved)
        {
            throw Bad($"SlurmArgs '{reserved}' sets what the guest sets itself (the job's name, comment, nodes, tasks, directory, partition, "
                + "account, memory or time); use Partition, Account, MemoryMb or TimeLimitMinutes for those.");
        }
        return spec;
    }

    // Options the Slurm guest passes itself: the comment holds the build's owner, which cancels its
    // leftovers, and --exclude keeps failed nodes out; a later option would quietly override them.
    private static readonly string[] GuestLongOptions =
        ["comment", "job-name", "jobid", "nodes", "nodelist", "exclude", "ntasks", "ntasks-per-node", "chdir", "partition", "account", "mem", "time"];
    private const string GuestShortOptions = "JNwxnDpAt";

    /// <summary>
    /// Whether <paramref name="argument"/> names an option in <see cref="GuestLongOptions"/>, abbreviated too,
    /// as Slurm's getopt reads a unique prefix of a long option.
    /// </summary>
    private static bool SetByTheGuest(string argument)
    {
        if (!argument.StartsWith("--", StringComparison.Ordinal))
        {
            return argument.Length > 1 && GuestShortOptions.Contains(argument[1]);
        }
        var name = argument[2..].Split('=')[0];
        return name.Length > 0 && GuestLongOptions.Any(o => o.StartsWith(name, StringComparison.Ordinal));
    }

    /// <summary><c>NAME=value;NAME2=value2</c>: names as a shell allows them; values anything but a line break.</summary>
    private static IReadOnlyDictionary<string, string> ParseEnv(string? text, Func<string, PkgBuildException> bad)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text == null)
        {
            return env;
        }
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            var key = eq > 0 ? pair[..eq] : pair;
            if (eq <= 0 || !EnvNamePattern().IsMatch(key) || pair.Any(c => c is '\n' or '\r' or '\0'))
            {
                throw bad($"Env entry '{pair}' is not NAME=value (separate entries with ';').");
            }
            env[key] = pair[(eq + 1)..];
        }
        return env;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^[0-9A-Fa-f:]+$")]
    private static partial Regex HostPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9._-]*$")]
    private static partial Regex UserPattern();

    [GeneratedRegex("^SHA256:[A-Za-z0-9+/]{43}$")]
    private static partial Regex FingerprintPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]*$")]
    private static partial Regex SlurmNamePattern();
}
