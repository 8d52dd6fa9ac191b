namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// Every machine state <c>VBoxManage showvminfo --machinereadable</c> prints as <c>VMState="…"</c>
/// (VirtualBox 6.1 and 7.0), and what StartVm may do in it.
/// </summary>
public static class VirtualBoxState
{
    /// <summary>States a snapshot can be restored in directly.</summary>
    private static readonly HashSet<string> Stopped = ["poweroff", "saved", "aborted", "aborted-saved", "teleported"];

    /// <summary>States that need a power-off first (a build killed while the VM ran leaves it so).</summary>
    private static readonly HashSet<string> Running = ["running", "paused", "gurumeditation"];

    /// <summary>States VirtualBox passes through on its own: wait for them to end rather than interfere.</summary>
    private static readonly HashSet<string> Busy =
    [
        "teleporting", "livesnapshotting", "starting", "stopping", "saving", "restoring", "teleportingpausedvm",
        "teleportingin", "deletingsnapshotlive", "deletingsnapshotlivepaused", "onlinesnapshotting",
        "restoringsnapshot", "deletingsnapshot", "settingup", "snapshotting",
    ];

    public static bool IsKnown(string state) => Stopped.Contains(state) || Running.Contains(state) || Busy.Contains(state);

    public static bool IsStopped(string state) => Stopped.Contains(state);

    public static bool NeedsPowerOff(string state) => Running.Contains(state);

    public static bool IsBusy(string state) => Busy.Contains(state);

    /// <summary>The <c>VMState</c> value in <c>showvminfo --machinereadable</c> output, or null when there is none.</summary>
    public static string? Parse(string showVmInfo)
    {
        foreach (var line in showVmInfo.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("VMState=\"", StringComparison.Ordinal) && trimmed.EndsWith('"'))
            {
                return trimmed["VMState=\"".Length..^1];
            }
        }
        return null;
    }
}
