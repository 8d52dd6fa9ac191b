namespace PkgBuild.Testing.VirtualBox;

/// <summary>
/// A STAND-IN for VirtualBox's VBoxManage (VirtualBox cannot run here): a copy of VBoxManage.sh in a
/// temporary directory, with one registered VM whose state and snapshots the test sets, and a log of
/// every call. Its output follows VirtualBox 6.1.20's formats.
/// </summary>
public sealed class VBoxManageStandIn : IDisposable
{
    private readonly TempDirectory _dir = new("pkgbuild-vbox");

    public VBoxManageStandIn(string vmName, string state = "poweroff", params string[] snapshots)
    {
        File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "VirtualBox", "VBoxManage.sh"), Executable);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.WriteAllText(_dir.Combine("vms"), $"\"other vm\" {{11111111-2222-3333-4444-555555555555}}\n\"{vmName}\" {{5f7a8c2e-3b1d-4e6f-9a0b-1c2d3e4f5a6b}}\n");
        State = state;
        Snapshots = snapshots;
        File.WriteAllText(_dir.Combine("calls"), "");
    }

    /// <summary>The executable to use as VBoxManage.</summary>
    public string Executable => _dir.Combine("VBoxManage");

    public string State
    {
        get => File.ReadAllText(_dir.Combine("state")).Trim();
        set => File.WriteAllText(_dir.Combine("state"), value + "\n");
    }

    /// <summary>Snapshot names as a chain (each the child of the one before), as `snapshot list --machinereadable` prints them.</summary>
    public IReadOnlyList<string> Snapshots
    {
        set
        {
            var lines = new List<string>();
            var suffix = "";
            for (var i = 0; i < value.Count; i++)
            {
                lines.Add($"SnapshotName{suffix}=\"{value[i]}\"");
                lines.Add($"SnapshotUUID{suffix}=\"{Guid.NewGuid()}\"");
                suffix += "-1";
            }
            if (value.Count > 0)
            {
                lines.Add($"CurrentSnapshotName=\"{value[^1]}\"");
                lines.Add($"CurrentSnapshotUUID=\"{Guid.NewGuid()}\"");
                lines.Add($"CurrentSnapshotNode=\"SnapshotName{suffix[..^2]}\"");
            }
            File.WriteAllText(_dir.Combine("snapshots"), lines.Count == 0 ? "" : string.Join("\n", lines) + "\n");
        }
    }

    /// <summary>Every call's arguments, in order.</summary>
    public IReadOnlyList<string> Calls => File.ReadAllLines(_dir.Combine("calls"));

    public void Dispose() => _dir.Dispose();
}
