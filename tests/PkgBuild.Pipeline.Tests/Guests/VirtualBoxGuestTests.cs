using System.Globalization;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Ssh;
using PkgBuild.Testing.VirtualBox;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>
/// VirtualBox guests against a STAND-IN VBoxManage (VirtualBox cannot run here; see VBoxManageStandIn),
/// with the VM's SSH played by a real sshd on 127.0.0.1.
/// </summary>
public sealed class VirtualBoxGuestTests : IDisposable
{
    private readonly GuestDirectories _guestDirs = new();

    private readonly SshServer _sshd = SshServer.Start();
    private readonly VBoxManageStandIn _vbox = new("pkg-build vm", "poweroff", "base", "init");
    private readonly List<string> _progress = [];

    public void Dispose()
    {
        _guestDirs.Dispose();
        _vbox.Dispose();
        _sshd.Dispose();
    }

    private VirtualBoxGuestMachine Guest(string vm = "pkg-build vm", string snapshot = "init", string? vboxManage = null, int? port = null) =>
        new(GuestSpec.Parse("vbox", new Dictionary<string, string>
        {
            ["Kind"] = "VirtualBox", ["VmName"] = vm, ["Snapshot"] = snapshot,
            ["Host"] = _sshd.Host, ["Port"] = (port ?? _sshd.Port).ToString(CultureInfo.InvariantCulture), ["User"] = _sshd.User,
            ["IdentityFile"] = _sshd.ClientKeyPath, ["KnownHostsFile"] = _sshd.KnownHostsPath, ["Dir"] = _guestDirs.Next(),
        }, new SourceLocation("pkgbuild.proj", 9, 5, 0)), _progress.Add, vboxManage ?? _vbox.Executable, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

    private static async Task<PkgBuildException> Refused(VirtualBoxGuestMachine guest)
    {
        await using (guest)
        {
            var error = await Assert.ThrowsAsync<GuestException>(() => guest.PreflightAsync());
            Assert.Equal(("pkgbuild.proj", 9), (error.Location.File, error.Location.Line));
            return error;
        }
    }

    [Fact]
    public async Task A_registered_vm_is_restored_started_used_over_ssh_and_powered_off()
    {
        await using (var guest = Guest())
        {
            await guest.PreflightAsync();
            await guest.StartAsync();
            Assert.Equal("running", _vbox.State);
            await using var session = await guest.OpenSessionAsync("pkg");
            var ran = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo \"$PLTUSERHOME\""), new GuestRunOptions { Timeout = TimeSpan.FromSeconds(30) });
            Assert.Equal(session.UserHome, ran.Output.Trim());
        }

        Assert.Equal("poweroff", _vbox.State);
        Assert.Equal(
            ["--version", "list vms", "snapshot pkg-build vm list --machinereadable", "showvminfo pkg-build vm --machinereadable",
             "showvminfo pkg-build vm --machinereadable", "snapshot pkg-build vm restore init", "startvm pkg-build vm --type headless",
             "showvminfo pkg-build vm --machinereadable", "controlvm pkg-build vm poweroff"],
            _vbox.Calls);
    }

    [Fact]
    public async Task A_vm_left_running_is_powered_off_before_the_restore()
    {
        _vbox.State = "running";
        await using var guest = Guest();
        await guest.PreflightAsync();
        await guest.StartAsync();

        var calls = _vbox.Calls.ToList();
        Assert.True(calls.IndexOf("controlvm pkg-build vm poweroff") < calls.IndexOf("snapshot pkg-build vm restore init"), string.Join("\n", calls));
        Assert.Contains(_progress, p => p.Contains("left running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_VBoxManage_on_PATH_is_said_with_the_fix()
    {
        var error = await Refused(Guest(vboxManage: "VBoxManage-not-installed-here"));
        Assert.Equal(ErrorCodes.GuestToolMissing, error.Code);
        Assert.Contains("VBoxManage is not on PATH", error.Message);
    }

    [Fact]
    public async Task An_unregistered_vm_lists_the_registered_ones_closest_first()
    {
        var error = await Refused(Guest(vm: "pkg-build"));
        Assert.Equal(ErrorCodes.VmNotRegistered, error.Code);
        Assert.Contains("the registered VMs are: 'pkg-build vm', 'other vm'", error.Message);
    }

    [Theory]
    [InlineData(new[] { "init-old", "base" }, "init", "has 0 snapshots named exactly 'init'; its snapshots are: 'init-old', 'base'")]
    [InlineData(new string[0], "init", "it has no snapshots")]
    [InlineData(new[] { "init", "installed", "init" }, "init", "has 2 snapshots named exactly 'init'")]
    public async Task A_missing_prefix_only_or_ambiguous_snapshot_is_refused(string[] snapshots, string wanted, string fragment)
    {
        _vbox.Snapshots = snapshots;
        var error = await Refused(Guest(snapshot: wanted));
        Assert.Equal(ErrorCodes.VmSnapshotProblem, error.Code);
        Assert.Contains(fragment, error.Message);
    }

    [Theory]
    [InlineData("poweroff", null)]
    [InlineData("saved", null)]
    [InlineData("aborted-saved", null)]
    [InlineData("gurumeditation", null)]
    [InlineData("restoringsnapshot", ErrorCodes.VmBusy)]
    [InlineData("saving", ErrorCodes.VmBusy)]
    [InlineData("floating", ErrorCodes.VmStateUnknown)]
    public async Task Every_machine_state_is_understood_and_an_unknown_one_named(string state, string? code)
    {
        _vbox.State = state;
        await using var guest = Guest();
        if (code == null)
        {
            await guest.PreflightAsync();
            return;
        }
        var error = await Assert.ThrowsAsync<GuestException>(() => guest.PreflightAsync());
        Assert.Equal(code, error.Code);
        Assert.Contains($"'{state}'", error.Message);
    }

    [Fact]
    public async Task Ssh_that_never_answers_after_the_start_is_a_bounded_wait_with_progress()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there: a VM whose sshd never comes up
        await using var guest = Guest(port: port);
        await guest.PreflightAsync();

        var error = await Assert.ThrowsAsync<GuestException>(() => guest.StartAsync());

        Assert.Equal(ErrorCodes.GuestNotReady, error.Code);
        Assert.Contains("SSH did not answer within 5 s", error.Message);
        Assert.Contains(_progress, p => p.Contains("waiting for SSH", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_state_VirtualBox_prints_is_classified()
    {
        string[] all =
        [
            "poweroff", "saved", "teleported", "aborted", "aborted-saved", "running", "paused", "gurumeditation", "teleporting",
            "livesnapshotting", "starting", "stopping", "saving", "restoring", "teleportingpausedvm", "teleportingin",
            "deletingsnapshotlive", "deletingsnapshotlivepaused", "onlinesnapshotting", "restoringsnapshot", "deletingsnapshot",
            "settingup", "snapshotting",
        ];
        Assert.All(all, s => Assert.True(VirtualBoxState.IsKnown(s), s));
        Assert.All(all, s => Assert.Equal(1, new[] { VirtualBoxState.IsStopped(s), VirtualBoxState.NeedsPowerOff(s), VirtualBoxState.IsBusy(s) }.Count(b => b)));
        Assert.Equal("running", VirtualBoxState.Parse("name=\"x\"\nVMState=\"running\"\nVMStateChangeTime=\"2026-11-25T10:00:00.000000000\"\n"));
    }
}
