using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>Makes the machine for a <see cref="GuestSpec"/> of each kind.</summary>
public static class GuestFactory
{
    /// <param name="guestsDirectory">The build's guest state directory; each guest gets its own subdirectory.</param>
    /// <param name="warn">Problems worked around (a Local guest without isolation).</param>
    /// <param name="progress">Steps worth a line while they run (restoring a snapshot, waiting for SSH).</param>
    public static IGuestMachine Create(GuestSpec spec, string guestsDirectory, Action<PkgBuildException> warn, Action<string> progress) => spec.Kind switch
    {
        GuestKind.Local => new LocalGuestMachine(spec, Path.Combine(guestsDirectory, spec.Name), warn),
        GuestKind.Ssh => new SshGuestMachine(spec, warn: warn),
        GuestKind.Container => new ContainerGuestMachine(spec, Path.Combine(guestsDirectory, spec.Name)),
        GuestKind.VirtualBox => new VirtualBoxGuestMachine(spec, progress),
        GuestKind.Slurm => new SlurmGuestMachine(spec, warn), // its state lives in SharedDir, which the nodes see
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Every guest kind has a machine."),
    };
}
