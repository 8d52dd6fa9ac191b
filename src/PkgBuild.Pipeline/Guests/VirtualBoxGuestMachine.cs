using PkgBuild.Pipeline.Processes;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// A VirtualBox VM driven with <c>VBoxManage</c>: the preflight names each failure a hand-run pkg-build
/// meets with a VM (no VBoxManage, a VM that is not registered, a snapshot that is missing or ambiguous, a
/// state nobody expected); starting restores the snapshot (matched by its exact name, never a prefix),
/// boots headless and waits, bounded, for SSH; packages then run over SSH as on an Ssh guest; stopping
/// powers it off.
/// </summary>
public sealed class VirtualBoxGuestMachine(GuestSpec spec, Action<string> progress, string vboxManage = "VBoxManage",
    TimeSpan? sshWait = null, TimeSpan? connectTimeout = null) : IGuestMachine
{
    private readonly TimeSpan _sshWait = sshWait ?? TimeSpan.FromMinutes(3);
    private SshGuestMachine? _ssh;
    private bool _started;

    public GuestSpec Spec { get; } = spec;

    private string Vm => Spec.VmName ?? Spec.Name;

    public async Task PreflightAsync(CancellationToken cancellationToken = default)
    {
        var version = await RunAsync(["--version"], cancellationToken).ConfigureAwait(false);
        if (!version.Succeeded)
        {
            throw Error(ErrorCodes.GuestToolMissing, $"`{vboxManage} --version` failed: {version.Output.Trim()}");
        }

        var vms = VirtualBoxOutput.VmNames((await RunAsync(["list", "vms"], cancellationToken).ConfigureAwait(false)).Output);
        if (!vms.Contains(Vm, StringComparer.Ordinal))
        {
            var close = NameSuggestions.Closest(Vm, vms);
            var listed = vms.Count == 0 ? "VirtualBox has no registered VMs"
                : $"the registered VMs are: {string.Join(", ", close.Concat(vms.Except(close)).Select(v => $"'{v}'"))}";
            throw Error(ErrorCodes.VmNotRegistered, $"VirtualBox has no VM named exactly '{Vm}'; {listed}. Set VmName (or the item's name) to one of them.");
        }

        var snapshots = await RunAsync(["snapshot", Vm, "list", "--machinereadable"], cancellationToken).ConfigureAwait(false);
        var names = VirtualBoxOutput.SnapshotNames(snapshots.Output);
        var matching = names.Count(n => n == Spec.Snapshot);
        if (matching != 1)
        {
            var found = names.Count == 0 ? "it has no snapshots" : $"its snapshots are: {string.Join(", ", names.Select(n => $"'{n}'"))}";
            var fix = matching == 0
                ? $"take one with `VBoxManage snapshot \"{Vm}\" take \"{Spec.Snapshot}\"` on a freshly installed guest, or set Snapshot"
                : "delete or rename all but one (restoring by a name that is not unique picks one arbitrarily)";
            throw Error(ErrorCodes.VmSnapshotProblem,
                $"the VM '{Vm}' has {matching} snapshots named exactly '{Spec.Snapshot}'; {found}. {char.ToUpperInvariant(fix[0])}{fix[1..]}.");
        }

        var state = await StateAsync(cancellationToken).ConfigureAwait(false);
        if (!VirtualBoxState.IsKnown(state))
        {
            throw Error(ErrorCodes.VmStateUnknown,
                $"the VM '{Vm}' is in the state '{state}', which this version of PkgBuild.Sdk does not know how to handle; bring it to 'poweroff' in VirtualBox and build again.");
        }
        if (VirtualBoxState.IsBusy(state))
        {
            throw Error(ErrorCodes.VmBusy, $"the VM '{Vm}' is busy ('{state}'); wait until VirtualBox finishes, then build again.");
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (VirtualBoxState.NeedsPowerOff(await StateAsync(cancellationToken).ConfigureAwait(false)))
        {
            progress($"{Spec.Name}: powering off '{Vm}' (left running by an earlier build)");
            await CheckedAsync(["controlvm", Vm, "poweroff"], cancellationToken).ConfigureAwait(false);
        }
        progress($"{Spec.Name}: restoring snapshot '{Spec.Snapshot}' of '{Vm}'");
        await CheckedAsync(["snapshot", Vm, "restore", Spec.Snapshot], cancellationToken).ConfigureAwait(false);
        progress($"{Spec.Name}: starting '{Vm}' headless");
        await CheckedAsync(["startvm", Vm, "--type", "headless"], cancellationToken).ConfigureAwait(false);
        _started = true;

        _ssh = new SshGuestMachine(Spec with { Kind = GuestKind.Ssh }, connectTimeout);
        await WaitForSshAsync(_ssh, cancellationToken).ConfigureAwait(false);
        await _ssh.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default) =>
        (_ssh ?? throw new InvalidOperationException("The guest is not started.")).OpenSessionAsync(label, cancellationToken);

    public Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default) =>
        (_ssh ?? throw new InvalidOperationException("The guest is not started.")).ShareSiteAsync(siteDirectory, siteUrl, cancellationToken);

    /// <summary>Installed over SSH after the snapshot was restored; a snapshot taken with Racket installed skips this (PkgBuildRacket=Preinstalled).</summary>
    public Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default) =>
        (_ssh ?? throw new InvalidOperationException("The guest is not started.")).InstallRacketAsync(installerFile, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_ssh != null)
        {
            await _ssh.DisposeAsync().ConfigureAwait(false);
            _ssh = null;
        }
        // Also after a killed build (called from the pool's leftover cleanup): power off only what runs.
        try
        {
            var state = await RunAsync(["showvminfo", Vm, "--machinereadable"], cancellationToken).ConfigureAwait(false);
            if (_started || VirtualBoxState.NeedsPowerOff(VirtualBoxState.Parse(state.Output) ?? ""))
            {
                await RunAsync(["controlvm", Vm, "poweroff"], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (GuestException e) when (e.Code == ErrorCodes.GuestToolMissing)
        {
            // No VBoxManage: nothing can be running; the preflight says so.
        }
        _started = false;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>A booting VM refuses or times out for a while: retry those until the deadline, naming the last failure.</summary>
    private async Task WaitForSshAsync(SshGuestMachine ssh, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _sshWait;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ssh.PreflightAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (GuestException e) when (e.Code is ErrorCodes.GuestConnectionRefused or ErrorCodes.GuestTimeout or ErrorCodes.GuestConnectionLost)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw Error(ErrorCodes.GuestNotReady,
                        $"the VM '{Vm}' started, but SSH did not answer within {_sshWait.TotalSeconds:0} s ({attempt} attempts); the last failure: {e.Message}");
                }
                progress($"{Spec.Name}: waiting for SSH on {Spec.Host}:{Spec.Port} (attempt {attempt}): {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> StateAsync(CancellationToken cancellationToken)
    {
        var info = await CheckedAsync(["showvminfo", Vm, "--machinereadable"], cancellationToken).ConfigureAwait(false);
        return VirtualBoxState.Parse(info.Output)
            ?? throw Error(ErrorCodes.VmStateUnknown, $"`VBoxManage showvminfo \"{Vm}\" --machinereadable` printed no VMState line.");
    }

    private async Task<ChildProcessResult> CheckedAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Error(ErrorCodes.GuestNotReady, $"`VBoxManage {string.Join(' ', arguments)}` failed: {result.Output.Trim()}");
        }
        return result;
    }

    private async Task<ChildProcessResult> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await ChildProcess.RunAsync(vboxManage, arguments, new ChildProcessOptions { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            // What pkg-build itself reports as `system*: contract violation ... given: #f`, said plainly.
            throw Error(ErrorCodes.GuestToolMissing,
                $"VBoxManage is not on PATH. Install VirtualBox (https://www.virtualbox.org/wiki/Downloads), or put the directory that holds VBoxManage on PATH (on macOS /Applications/VirtualBox.app/Contents/MacOS).");
        }
    }

    private GuestException Error(string code, string message) => new(code, $"PkgBuildGuest '{Spec.Name}': {message}", Spec.Location);
}
