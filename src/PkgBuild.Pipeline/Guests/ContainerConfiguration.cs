using System.Text;
using PkgBuild.Pipeline.IO;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// podman's configuration for a Container guest, written as <c>containers.conf</c> and <c>storage.conf</c>
/// and passed with <c>CONTAINERS_CONF</c> / <c>CONTAINERS_STORAGE_CONF</c>, so that podman works on machines
/// like the one the SDK is tested on and leaves nothing of ours outside the storage directory:
/// <list type="bullet">
/// <item>runc, cgroupfs, events in a file: crun cannot set rlimits without CAP_SYS_RESOURCE and fails on
/// hybrid cgroups; there may be no systemd or D-Bus for the systemd cgroup manager or journald;</item>
/// <item>default ulimits within the machine's hard limits (crun's and runc's defaults ask for more);</item>
/// <item>no network by default: the default bridge adds iptables chains and turns on ip_forward;</item>
/// <item>file locks under our tmp directory (the default is <c>/dev/shm/libpod_lock</c>), the CNI
/// configuration and lock, volumes, events and image copies under the storage directory;</item>
/// <item>an overlay store whose graphroot and runroot are ours, not <c>/var/lib/containers</c>.</item>
/// </list>
/// What podman 4.3 still writes outside: <c>/var/lib/containers/cache/blob-info-cache-v1.boltdb</c> on image
/// imports, runc's empty state directory <c>/run/runc</c>, and, only for an image named without a registry
/// (<c>guest:latest</c> rather than <c>localhost/guest:latest</c>), <c>/var/cache/containers/short-name-aliases.conf.lock</c>.
/// </summary>
public static class ContainerConfiguration
{
    public const string ContainersConf = "containers.conf";

    public const string StorageConf = "storage.conf";

    /// <summary>
    /// Writes both files into <paramref name="configDirectory"/> for a store under <paramref name="storageDirectory"/>
    /// (the same storage directory always gives the same files, so several guests or a test fixture can share
    /// a store) and returns the environment to run podman with.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> WritePodman(string configDirectory, string storageDirectory)
    {
        var storage = Path.GetFullPath(storageDirectory);
        var containersConf = Path.Combine(Path.GetFullPath(configDirectory), ContainersConf);
        var storageConf = Path.Combine(Path.GetFullPath(configDirectory), StorageConf);
        AtomicFile.WriteAllTextIfChanged(containersConf, $"""
            # Written by PkgBuild.Sdk for podman; see ContainerConfiguration.cs for why each line is here.
            [containers]
            default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
            netns = "none"

            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            events_logfile_path = {Toml(Path.Combine(storage, "events.log"))}
            tmp_dir = {Toml(Path.Combine(storage, "tmp"))}
            volume_path = {Toml(Path.Combine(storage, "volumes"))}
            lock_type = "file"
            image_copy_tmp_dir = "storage"

            [network]
            network_config_dir = {Toml(Path.Combine(storage, "net.d"))}

            """);
        AtomicFile.WriteAllTextIfChanged(storageConf, $"""
            # Written by PkgBuild.Sdk for podman.
            [storage]
            driver = "overlay"
            graphroot = {Toml(Path.Combine(storage, "graph"))}
            runroot = {Toml(Path.Combine(storage, "run"))}

            """);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["CONTAINERS_CONF"] = containersConf,
            ["CONTAINERS_STORAGE_CONF"] = storageConf,
            // Settings that would send podman to another machine or layer other configuration over ours.
            ["CONTAINER_HOST"] = null,
            ["CONTAINER_CONNECTION"] = null,
            ["CONTAINERS_CONF_OVERRIDE"] = null,
        };
    }

    /// <summary>
    /// The runroot and tmp directory are meant to be on tmpfs (podman's defaults are under <c>/run</c>), cleared by
    /// a reboot; ours persist, so state recorded before a reboot (mounts, running containers) would be believed.
    /// Removes them when they were written during another boot than this one.
    /// </summary>
    public static void DiscardStateFromAnotherBoot(string storageDirectory)
    {
        var marker = Path.Combine(storageDirectory, "boot-id");
        var boot = BootId();
        if (boot == null || !File.Exists(marker) || File.ReadAllText(marker).Trim() == boot)
        {
            return;
        }
        foreach (var stale in new[] { "run", "tmp" }.Select(d => Path.Combine(storageDirectory, d)).Where(Directory.Exists))
        {
            Directory.Delete(stale, recursive: true);
        }
        File.Delete(marker);
    }

    /// <summary>Notes the boot the runtime state belongs to (once podman has made the storage directory).</summary>
    public static void RecordBoot(string storageDirectory)
    {
        if (BootId() is { } boot && Directory.Exists(storageDirectory))
        {
            AtomicFile.WriteAllTextIfChanged(Path.Combine(storageDirectory, "boot-id"), boot + "\n");
        }
    }

    private static string? BootId()
    {
        const string path = "/proc/sys/kernel/random/boot_id";
        return OperatingSystem.IsLinux() && File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>A TOML basic string: quotes and backslashes escaped, control characters as \u escapes.</summary>
    private static string Toml(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}
