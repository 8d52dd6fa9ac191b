using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>Makes the machine for a <see cref="GuestSpec"/> of each kind.</summary>
public static class GuestFactory
{
    /// <param name="guestsDirectory">The build's guest state directory; each guest gets its own subdirectory.</param>
    public static IGuestMachine Create(GuestSpec spec, string guestsDirectory, Action<PkgBuildException> warn) => spec.Kind switch
    {
        GuestKind.Local => new LocalGuestMachine(spec, Path.Combine(guestsDirectory, spec.Name), warn),
        GuestKind.Ssh => new SshGuestMachine(spec),
        _ => throw new PkgBuildException(ErrorCodes.StepNotAvailable,
            $"PkgBuildGuest '{spec.Name}': {spec.Kind} guests are not available in this version of PkgBuild.Sdk; Local and Ssh guests are.", spec.Location),
    };
}
