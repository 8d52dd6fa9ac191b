using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// What a Local guest can do on this machine to keep a package from changing it: a private mount, PID and
/// network namespace (no network at all) with a throwaway overlay over <c>/</c>, so writes anywhere but
/// the session vanish with it. Needs Linux, root (or the right capabilities), <c>unshare</c> and overlayfs;
/// where any is missing the guest still gets a fresh directory and <c>PLTUSERHOME</c>, and says so.
/// </summary>
public static class LocalIsolation
{
    /// <summary>
    /// The script run by <c>unshare</c> in the new namespaces. It takes every path as a positional
    /// parameter (never pasted into the text), builds the overlay root, and execs the command in it:
    /// <c>$1</c> overlay scratch directory, <c>$2</c> session directory, <c>$3</c> working directory,
    /// the rest the command's argv.
    /// </summary>
    public const string Script = """
        set -e
        scratch=$1; session=$2; work=$3; shift 3
        mount -t tmpfs pkgbuild-guest "$scratch"
        mkdir "$scratch/upper" "$scratch/work" "$scratch/root"
        mount -t overlay pkgbuild-guest -o "lowerdir=/,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/root"
        root=$scratch/root
        mount -t proc proc "$root/proc"
        mount -t sysfs sysfs "$root/sys"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs tmpfs "$root/tmp"
        # File systems other than / (a separate /usr, /home, /opt) are not in the overlay: bind them read-only.
        while read -r _ target fstype _; do
          case "$fstype" in proc|sysfs|devtmpfs|devpts|cgroup|cgroup2|mqueue|debugfs|tracefs|securityfs|pstore|bpf|configfs|fusectl|hugetlbfs|autofs|binfmt_misc|overlay|nsfs|rpc_pipefs) continue ;; esac
          case "$target" in /|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*|/tmp|/tmp/*|*\\*) continue ;; esac
          case "$target" in "$scratch"|"$scratch"/*) continue ;; esac
          if [ -d "$root$target" ]; then
            mount --rbind "$target" "$root$target" && mount -o remount,bind,ro "$root$target" || true
          fi
        done < /proc/self/mounts
        mkdir -p "$root$session"
        mount --bind "$session" "$root$session"
        if command -v ip >/dev/null 2>&1; then ip link set lo up; fi
        exec chroot "$root" /bin/sh -c 'cd "$1" && shift && exec "$@"' pkgbuild-guest "$work" "$@"
        """;

    public static IReadOnlyList<string> UnshareArguments { get; } =
        ["--mount", "--net", "--pid", "--fork", "--kill-child", "--propagation", "private", "--", "/bin/sh", "-c", Script, "pkgbuild-guest"];

    /// <summary>Null when isolation works here (checked by running it once), else why not.</summary>
    public static async Task<string?> ProbeAsync(string scratchParent, CancellationToken cancellationToken = default)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "namespaces and overlayfs are Linux features";
        }
        if (scratchParent.IndexOfAny([',', ':', '\n']) >= 0)
        {
            return $"the path '{scratchParent}' holds ',' or ':', which overlayfs mount options cannot carry";
        }
        var probe = Path.Combine(scratchParent, $"probe-{Guid.NewGuid():N}");
        var scratch = Path.Combine(probe, ".overlay");
        Directory.CreateDirectory(scratch);
        try
        {
            var result = await ChildProcess.RunAsync("unshare", [.. UnshareArguments, scratch, probe, probe, "true"],
                new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? null : $"a trial run failed: {FirstLine(result.Output)}";
        }
        catch (FileNotFoundException)
        {
            return "unshare (util-linux) is not installed";
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no output)";
        return line.Length > 200 ? line[..200] : line;
    }
}
